using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>
/// What a site runs for mutual TLS, for real: certificates from <c>scripts/make-certs.sh</c> (openssl),
/// <c>deploy/mosquitto/tls.conf</c> with <c>edgenode.acl</c> on mosquitto (paths and listener moved to a scratch
/// folder and a free loopback port), mosquitto clients with those certificates, and <c>scripts/wait-online.sh</c> over TLS.
/// </summary>
public sealed class MosquittoTlsTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _dir = new();
    private ShippedMosquitto? _broker;
    private string _certs = string.Empty;

    public async Task InitializeAsync()
    {
        _certs = _dir.File("certs");
        await MakeCertsAsync("ca");
        await MakeCertsAsync("server", "localhost", "127.0.0.1");
        await MakeCertsAsync("client", "node-1", "node-2", "operator");

        _broker = await ShippedMosquitto.StartAsync(_dir, "tls.conf", "listener 8883", ("/mosquitto/config/certs/", Path.Combine(_certs, "broker") + "/"));
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
    public void MakeCerts_WritesTheLayoutTheDocsDescribe_KeysPrivate()
    {
        foreach (var file in new[] { "ca.crt", "ca.key", "broker/ca.crt", "broker/server.crt", "broker/server.key", "clients/node-1/ca.crt", "clients/node-1/client.crt", "clients/node-1/client.key" })
        {
            Assert.True(File.Exists(Path.Combine(_certs, file)), file);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_certs, "clients/node-1/client.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_certs, "ca.key")));
    }

    [Fact]
    public async Task MakeCerts_RefusesToReplaceTheCa_AndBadNames()
    {
        var again = await RunMakeCertsAsync("ca");
        var fleet = await RunMakeCertsAsync("client", "fleet");
        var slash = await RunMakeCertsAsync("client", "a/b");

        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("--force", again.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, fleet.ExitCode);
        Assert.NotEqual(0, slash.ExitCode);
    }

    [Fact]
    public async Task Node_WithItsCertificate_PublishesItsStatus_OperatorReadsIt_WaitOnlineSeesIt()
    {
        var published = await PublishAsync("node-1", "edgenode/node-1/status", "online");
        Assert.True(published.ExitCode == 0, published.Output);

        var wait = await Script.RunAsync(Script.Path("wait-online.sh"),
            ["-h", "localhost", "-p", Port, "--cafile", Client("operator", "ca.crt"), "--cert", Client("operator", "client.crt"), "--key", Client("operator", "client.key"), "-t", "20", "node-1"],
            TimeSpan.FromSeconds(60));

        Assert.True(wait.ExitCode == 0, wait.Output);
        Assert.Contains("edgenode/node-1/status: online", wait.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Node_PublishingAnotherNodesStatus_IsDenied()
    {
        Assert.Equal(0, (await PublishAsync("node-2", "edgenode/node-2/status", "online")).ExitCode);

        await PublishAsync("node-1", "edgenode/node-2/status", "offline");

        var read = await SubscribeOnceAsync("operator", "edgenode/node-2/status");
        Assert.True(read.ExitCode == 0, read.Output);
        Assert.Equal("online", read.Stdout.Trim());
    }

    [Fact]
    public async Task ClientWithoutCertificate_IsRefused()
    {
        var result = await Script.RunAsync(Tool.Require("mosquitto_pub", "mosquitto-clients"),
            ["-h", "localhost", "-p", Port, "--cafile", Path.Combine(_certs, "ca.crt"), "-V", "mqttv5", "-q", "1", "-t", "edgenode/node-1/status", "-m", "x"],
            TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, result.ExitCode);
    }

    private string Port => _broker!.PortText;

    private string Client(string name, string file) => Path.Combine(_certs, "clients", name, file);

    private async Task MakeCertsAsync(params string[] arguments)
    {
        var result = await RunMakeCertsAsync(arguments);
        Assert.True(result.ExitCode == 0, result.Output);
    }

    private Task<ScriptResult> RunMakeCertsAsync(params string[] arguments) =>
        Script.RunAsync(Script.Path("make-certs.sh"), ["-o", _certs, .. arguments], TimeSpan.FromSeconds(60));

    private Task<ScriptResult> PublishAsync(string client, string topic, string payload) =>
        Script.RunAsync(Tool.Require("mosquitto_pub", "mosquitto-clients"),
            ["-h", "localhost", "-p", Port, "--cafile", Client(client, "ca.crt"), "--cert", Client(client, "client.crt"), "--key", Client(client, "client.key"),
                "-V", "mqttv5", "-q", "1", "-r", "-t", topic, "-m", payload],
            TimeSpan.FromSeconds(30));

    private Task<ScriptResult> SubscribeOnceAsync(string client, string topic) =>
        Script.RunAsync(Tool.Require("mosquitto_sub", "mosquitto-clients"),
            ["-h", "localhost", "-p", Port, "--cafile", Client(client, "ca.crt"), "--cert", Client(client, "client.crt"), "--key", Client(client, "client.key"),
                "-V", "mqttv5", "-t", topic, "-C", "1", "-W", "5"],
            TimeSpan.FromSeconds(30));
}
