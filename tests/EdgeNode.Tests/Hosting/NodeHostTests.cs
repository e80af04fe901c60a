using EdgeNode.Core;
using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Messaging.Commands;
using EdgeNode.Pipeline;
using EdgeNode.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Hosting;

/// <summary>The registrations: the host builds with the shipped defaults, in the documented start order, and refuses bad nested options by key.</summary>
public sealed class NodeHostTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Build_Defaults_ResolvesTheHostedServicesInStartOrder()
    {
        using var host = NodeHost.Build(Args());

        var names = host.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();

        string[] expected =
        [
            "DeferredOutboxStore", "ModelTransferService", "BrokerService", "SparkplugService", "ConnectionService",
            "DeferredSampleStore", "HeadTrainingService", "FederatedService", "CommandRouter", "HomeAssistantPublisher", "OutboxPublisherService",
            "PipelineService", "SensorService", "GpioService", "HealthCheckPublisherHostedService", "TelemetryService",
            "SystemdWatchdogService", "WebAddressLogger", "GenericWebHostService",
        ];
        Assert.Equal(expected, names);
    }

    [Fact]
    public void Build_Defaults_RegistersEveryCommandAndFrameObserver()
    {
        using var host = NodeHost.Build(Args());

        var verbs = host.Services.GetServices<ICommandHandler>().Select(h => h.Verb).Order(StringComparer.Ordinal);
        var observers = host.Services.GetServices<IFrameObserver>().Select(o => o.GetType().Name).Order(StringComparer.Ordinal);

        Assert.Equal(["config", "health", "label", "model", "rebirth", "rollback", "snapshot", "train"], verbs);
        Assert.Equal(["LastFrameObserver", "LiveValues", "NodeMetrics", "RecentSamplesObserver"], observers);
    }

    [Fact]
    public void Build_MissingTlsCaFile_FailsNamingTheNestedKeyAndCreatesNothing()
    {
        var missing = _dir.File("nope.crt");
        using var host = NodeHost.Build(Args("--EdgeNode:Mqtt:EmbeddedBroker=false", "--EdgeNode:Mqtt:Tls:CaFile=" + missing));

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<MqttOptions>>().Value);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("EdgeNode:Mqtt:Tls:CaFile (EdgeNode__Mqtt__Tls__CaFile): ", failure, StringComparison.Ordinal);
        Assert.Contains(missing, failure, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("edgenode.db")), "validation opened the database");
    }

    [Fact]
    public void Build_TlsWithTheEmbeddedBroker_FailsNamingEmbeddedBroker()
    {
        using var host = NodeHost.Build(Args("--EdgeNode:Mqtt:Tls:Enabled=true"));

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<MqttOptions>>().Value);

        Assert.StartsWith("EdgeNode:Mqtt:EmbeddedBroker (EdgeNode__Mqtt__EmbeddedBroker): ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_DefaultsOnAFreePort_OpensTheOutboxBeforeThePipelineRuns()
    {
        using var host = NodeHost.Build(Args("--EdgeNode:Mqtt:Port=" + FreePort.Next()));

        await host.StartAsync(CancellationToken.None);
        try
        {
            var store = host.Services.GetRequiredService<IOutboxStore>();
            Assert.True(File.Exists(_dir.File("edgenode.db")));
            Assert.True((await store.GetStatsAsync(CancellationToken.None)).LastSeq >= 0);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose() => _dir.Dispose();

    private string[] Args(params string[] extra) =>
        ["--EdgeNode:Storage:Path=" + _dir.File("edgenode.db"), "--EdgeNode:NodeId=unit", .. extra];
}
