using System.Collections.Concurrent;
using EdgeNode.Messaging.Broker;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeNode.Messaging.Tests;

/// <summary>
/// The shipped ACL (<c>deploy/mosquitto/edgenode.acl</c>) with the shipped password-file format, run against every
/// broker the node works with: a real mosquitto, and the embedded broker on a non-loopback bind. The read-only role
/// (<c>viewer</c>) may send health/snapshot/status/rebirth only; changing verbs get PUBACK 0x87 and never arrive.
/// </summary>
public abstract class RoleAclTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly string[] Users = ["node-a", "node-b", "operator", "viewer", "aggregator"];

    /// <summary>The test's folder: password and ACL files.</summary>
    protected TempDirectory Dir { get; } = new();

    /// <summary>The port of the broker under test, on 127.0.0.1.</summary>
    protected int Port { get; set; }

    public async Task InitializeAsync()
    {
        var acl = Dir.File("edgenode.acl");
        File.Copy(Path.Combine(RepoPaths.Root, "deploy", "mosquitto", "edgenode.acl"), acl);
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(Dir.File("passwd"), Users.Select(u => (u, u + "-pw")).ToArray());
        await StartBrokerAsync(passwords, acl);
    }

    public abstract Task DisposeAsync();

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData("label")]
    [InlineData("train")]
    [InlineData("config")]
    [InlineData("model")]
    [InlineData("rollback")]
    public async Task Viewer_ChangingVerb_RefusedNotAuthorized_AndNotDelivered(string verb)
    {
        var nodeInbox = new ConcurrentQueue<string>();
        using var node = await ConnectAsync("node-a", nodeInbox, "edgenode/node-a/cmd/+");
        using var viewer = await ConnectAsync("viewer");

        var refused = await PublishAsync(viewer, $"edgenode/node-a/cmd/{verb}", "{}");
        var allowed = await PublishAsync(viewer, "edgenode/node-a/cmd/health", "{}");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused);
        Assert.True((int)allowed < 0x80, allowed.ToString());
        // Same connection, same order: once health arrives, the refused command would have arrived before it.
        await WaitAsync(() => nodeInbox.Contains("edgenode/node-a/cmd/health"));
        Assert.DoesNotContain($"edgenode/node-a/cmd/{verb}", nodeInbox);
    }

    [Theory]
    [InlineData("health")]
    [InlineData("snapshot")]
    [InlineData("status")]
    public async Task Viewer_ReadOnlyVerb_Delivered(string verb)
    {
        var nodeInbox = new ConcurrentQueue<string>();
        using var node = await ConnectAsync("node-a", nodeInbox, "edgenode/node-a/cmd/+");
        using var viewer = await ConnectAsync("viewer");

        Assert.True((int)await PublishAsync(viewer, $"edgenode/node-a/cmd/{verb}", "{}") < 0x80);
        await WaitAsync(() => nodeInbox.Contains($"edgenode/node-a/cmd/{verb}"));
    }

    [Fact]
    public async Task Operator_ChangingVerb_Delivered()
    {
        var nodeInbox = new ConcurrentQueue<string>();
        using var node = await ConnectAsync("node-a", nodeInbox, "edgenode/node-a/cmd/+");
        using var operatorClient = await ConnectAsync("operator");

        Assert.True((int)await PublishAsync(operatorClient, "edgenode/node-a/cmd/label", "{}") < 0x80);
        await WaitAsync(() => nodeInbox.Contains("edgenode/node-a/cmd/label"));
    }

    [Fact]
    public async Task Operator_FederatedTopics_RefusedNotAuthorized_ModelChunksAllowed()
    {
        var nodeInbox = new ConcurrentQueue<string>();
        var aggregatorInbox = new ConcurrentQueue<string>();
        using var node = await ConnectAsync("node-a", nodeInbox, "edgenode/fleet/f/fl/global");
        using var aggregator = await ConnectAsync("aggregator", aggregatorInbox, "edgenode/fleet/f/fl/updates/+");
        using var operatorClient = await ConnectAsync("operator");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(operatorClient, "edgenode/fleet/f/fl/global", "forged"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(operatorClient, "edgenode/fleet/f/fl/updates/node-a", "forged"));
        Assert.True((int)await PublishAsync(operatorClient, "edgenode/node-a/model/chunks/0123456789abcdef0123456789abcdef", "chunk") < 0x80);
        Assert.True((int)await PublishAsync(aggregator, "edgenode/fleet/f/fl/global", "head") < 0x80);
        Assert.True((int)await PublishAsync(node, "edgenode/fleet/f/fl/updates/node-a", "update") < 0x80);

        await WaitAsync(() => nodeInbox.Count == 1 && aggregatorInbox.Count == 1);
        Assert.Equal(["edgenode/fleet/f/fl/global"], nodeInbox);
        Assert.Equal(["edgenode/fleet/f/fl/updates/node-a"], aggregatorInbox);
    }

    [Fact]
    public async Task Node_PublishingAnotherNodesTopic_RefusedNotAuthorized_AndReadsOnlyItsOwnCommands()
    {
        var inboxA = new ConcurrentQueue<string>();
        using var nodeA = await ConnectAsync("node-a", inboxA, "edgenode/+/cmd/+");
        using var operatorClient = await ConnectAsync("operator");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(nodeA, "edgenode/node-b/results", "forged"));
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await PublishAsync(nodeA, "edgenode/node-b/cmd/config", "{}"));
        await PublishAsync(operatorClient, "edgenode/node-b/cmd/config", "{}");
        await PublishAsync(operatorClient, "edgenode/node-a/cmd/config", "{}");

        await WaitAsync(() => inboxA.Contains("edgenode/node-a/cmd/config"));
        Assert.DoesNotContain("edgenode/node-b/cmd/config", inboxA);
    }

    [Fact]
    public async Task AnonymousOrWrongPassword_Refused()
    {
        using var anonymous = await ConnectAsync(null);
        using var wrong = await ConnectAsync("operator", password: "guess");

        Assert.False(anonymous.IsConnected);
        Assert.False(wrong.IsConnected);
    }

    /// <summary>Starts the broker under test with <paramref name="passwordFile"/> and <paramref name="aclFile"/>; sets <see cref="Port"/>.</summary>
    protected abstract Task StartBrokerAsync(string passwordFile, string aclFile);

    private static async Task<MqttClientPublishReasonCode> PublishAsync(IMqttClient client, string topic, string payload) =>
        (await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build())).ReasonCode;

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(25);
        }
    }

    private async Task<IMqttClient> ConnectAsync(string? user, ConcurrentQueue<string>? inbox = null, string? filter = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            inbox?.Enqueue(e.ApplicationMessage.Topic);
            return Task.CompletedTask;
        };
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", Port)
            .WithClientId((user ?? "anon") + "-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500);
        if (user is not null)
        {
            builder.WithCredentials(user, password ?? user + "-pw");
        }

        try
        {
            var result = await client.ConnectAsync(builder.Build());
            if (user is not null && password is null)
            {
                Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            }
            else if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                // Anonymous or a wrong password: the broker must have refused; the caller asserts it.
                return client;
            }
            else
            {
                Assert.Equal(MqttClientConnectResultCode.NotAuthorized, result.ResultCode);
            }

            if (filter is not null)
            {
                await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return client;
    }
}

/// <summary><see cref="RoleAclTests"/> on a real mosquitto.</summary>
public sealed class MosquittoRoleAclTests : RoleAclTests
{
    private MosquittoBroker? _broker;

    public override async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    protected override async Task StartBrokerAsync(string passwordFile, string aclFile)
    {
        _broker = await MosquittoBroker.StartAsync(MosquittoConfig.Authenticated(passwordFile, aclFile));
        Port = _broker.Port;
    }
}

/// <summary><see cref="RoleAclTests"/> on the embedded broker bound to 0.0.0.0 (not loopback), with the same files.</summary>
public sealed class EmbeddedRoleAclTests : RoleAclTests
{
    private EmbeddedBroker? _broker;

    public override async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    protected override async Task StartBrokerAsync(string passwordFile, string aclFile)
    {
        Port = FreePort.Next();
        var options = new MqttOptions { Host = "0.0.0.0", Port = Port, BrokerPasswordFile = passwordFile, BrokerAclFile = aclFile };
        _broker = EmbeddedBroker.FromOptions(options, NullLogger<EmbeddedBroker>.Instance);
        await _broker.StartAsync();
    }
}
