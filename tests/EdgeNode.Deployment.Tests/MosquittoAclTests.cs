using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>
/// deploy/mosquitto/edgenode.conf and edgenode.acl run on a real mosquitto (paths and listener moved to a
/// scratch folder and a free loopback port): a node may write only its own topics.
/// </summary>
public sealed class MosquittoAclTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private ShippedMosquitto? _broker;

    public async Task InitializeAsync()
    {
        var passwd = Tool.Require("mosquitto_passwd", "mosquitto");
        var passwords = _dir.File("edgenode.passwd");
        foreach (var user in new[] { "node-1", "node-2", "operator" })
        {
            var created = await Script.RunAsync(passwd, [.. File.Exists(passwords) ? Array.Empty<string>() : ["-c"], "-b", passwords, user, user + "-pw"], TimeSpan.FromSeconds(30));
            Assert.True(created.ExitCode == 0, created.Output);
        }

        _broker = await ShippedMosquitto.StartAsync(_dir, "edgenode.conf", "listener 1883");
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Node_PublishesOwnStatus_OperatorSeesIt()
    {
        Assert.Equal(0, (await PublishAsync("node-1", "edgenode/node-1/status", "online")).ExitCode);

        Assert.Equal("online", await ReadRetainedAsync("operator", "edgenode/node-1/status"));
    }

    [Fact]
    public async Task Node_PublishesAnotherNodesStatus_IsDropped()
    {
        Assert.Equal(0, (await PublishAsync("node-2", "edgenode/node-2/status", "online")).ExitCode);

        // mosquitto accepts and silently drops a publish the ACL denies; the retained value stays.
        await PublishAsync("node-1", "edgenode/node-2/status", "offline");

        Assert.Equal("online", await ReadRetainedAsync("operator", "edgenode/node-2/status"));
    }

    [Fact]
    public async Task Anonymous_Connect_IsRefused()
    {
        var sub = Tool.Require("mosquitto_sub", "mosquitto-clients");
        var result = await Script.RunAsync(sub, ["-h", "127.0.0.1", "-p", _broker!.PortText, "-t", "edgenode/#", "-C", "1", "-W", "3"], TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("not authorised", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    private Task<ScriptResult> PublishAsync(string user, string topic, string payload) =>
        Script.RunAsync(Tool.Require("mosquitto_pub", "mosquitto-clients"),
            ["-h", "127.0.0.1", "-p", Port, "-u", user, "-P", user + "-pw", "-V", "mqttv5", "-q", "1", "-r", "-t", topic, "-m", payload],
            TimeSpan.FromSeconds(30));

    private async Task<string> ReadRetainedAsync(string user, string topic)
    {
        var result = await Script.RunAsync(Tool.Require("mosquitto_sub", "mosquitto-clients"),
            ["-h", "127.0.0.1", "-p", Port, "-u", user, "-P", user + "-pw", "-V", "mqttv5", "-t", topic, "-C", "1", "-W", "5"],
            TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.Output);
        return result.Stdout.Trim();
    }

    private string Port => _broker!.PortText;
}
