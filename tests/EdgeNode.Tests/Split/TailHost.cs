using EdgeNode.Core;
using EdgeNode.Hosting;
using EdgeNode.Inference;
using EdgeNode.Messaging;
using EdgeNode.Split;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Tests.Split;

/// <summary>
/// A tail board in process: the node's own split registration (<c>AddSplit</c>/<c>MapSplit</c>, role tail) on a real
/// Kestrel host listening on a real loopback port, with the node's MQTT bus (connected only when a broker is given).
/// </summary>
internal sealed class TailHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MqttMessageBus _bus;
    private readonly CancellationTokenSource _stop;
    private readonly Task _busLoop;

    private TailHost(WebApplication app, MqttMessageBus bus, CancellationTokenSource stop, Task busLoop, string url)
    {
        _app = app;
        _bus = bus;
        _stop = stop;
        _busLoop = busLoop;
        Url = url;
    }

    /// <summary>The tail's URL (the head's EdgeNode__Split__Peer).</summary>
    public string Url { get; }

    /// <summary>The tail's split status (frames served, streams).</summary>
    public SplitStatus Status => _app.Services.GetRequiredService<SplitStatus>();

    public static async Task<TailHost> StartAsync(string cut, int port, string node = "tail1", int? brokerPort = null, IDictionary<string, string?>? extra = null)
    {
        var url = $"{(extra?.ContainsKey("EdgeNode:Mqtt:Tls:CertFile") == true ? "https" : "http")}://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        var settings = new Dictionary<string, string?>
        {
            ["EdgeNode:Split:Role"] = "tail",
            ["EdgeNode:Split:Cut"] = cut,
            ["EdgeNode:Split:Listen"] = url,
            ["EdgeNode:Split:StatusSeconds"] = "1",
            ["EdgeNode:Inference:IntraOpThreads"] = "1",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var topics = new NodeTopics("edgenode", node);
        var mqtt = new MqttOptions { Host = "127.0.0.1", Port = brokerPort ?? 1, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1 };
        var bus = new MqttMessageBus(mqtt, topics, "edgenode-" + node, NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
        builder.Services.AddSingleton<IMessageBus>(bus);
        builder.Services.AddSingleton(new NodeIdentity(node, topics));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section);
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section);
        // The web page caps request bodies for the whole Kestrel host; a stream of frames must not be held to it.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024);
        builder.AddSplit();
        var app = builder.Build().MapSplit();

        // A page on the same host, as the node's web page is: the split port must not serve it.
        app.MapGet("/", () => "page");
        await app.StartAsync();
        var stop = new CancellationTokenSource();
        var loop = brokerPort is null ? Task.CompletedTask : bus.RunAsync(stop.Token);
        return new TailHost(app, bus, stop, loop, url);
    }

    /// <summary>Stops the tail as a node stops: Kestrel closes its streams, the retained announcement is cleared.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _stop.CancelAsync();
        try
        {
            await _busLoop;
        }
        catch (OperationCanceledException)
        {
            // the bus loop ends with the stop
        }

        await _app.DisposeAsync();
        await _bus.DisposeAsync();
        _stop.Dispose();
    }
}
