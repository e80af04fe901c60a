using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using EdgeNode.Messaging.Broker;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeNode.Messaging.Tests;

/// <summary>Nothing that can change a node listens beyond loopback without authentication (issue 20, item 1).</summary>
public sealed class EmbeddedBrokerSecurityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("192.168.1.20")]
    [InlineData("127.0.0.2")]
    public void Validate_NonLoopbackHostWithoutPasswordFile_FailsNamingBrokerPasswordFile(string host)
    {
        // 127.0.0.2 is loopback (127/8): only 0.0.0.0, :: and real interfaces need the password file.
        var options = new MqttOptions { Host = host, EmbeddedBroker = true };

        var results = Validate(options);

        if (host == "127.0.0.2")
        {
            Assert.Empty(results);
            return;
        }

        var failure = Assert.Single(results);
        Assert.Equal(nameof(MqttOptions.BrokerPasswordFile), Assert.Single(failure.MemberNames));
        Assert.Contains(host, failure.ErrorMessage, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => EmbeddedBroker.FromOptions(options, NullLogger<EmbeddedBroker>.Instance));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("::1")]
    public void Validate_LoopbackHostWithoutPasswordFile_Passes(string host) =>
        Assert.Empty(Validate(new MqttOptions { Host = host, EmbeddedBroker = true }));

    [Fact]
    public void Validate_ExternalBrokerOnAnyHost_NeedsNoBrokerPasswordFile() =>
        Assert.Empty(Validate(new MqttOptions { Host = "10.0.0.2", EmbeddedBroker = false }));

    [Theory]
    [InlineData("node-a\n", nameof(MqttOptions.BrokerPasswordFile))]
    [InlineData("node-a:plain\n", nameof(MqttOptions.BrokerPasswordFile))]
    [InlineData("# nobody\n", nameof(MqttOptions.BrokerPasswordFile))]
    public void Validate_UnusablePasswordFile_FailsNamingTheKey_AndLeavesTheFile(string content, string key)
    {
        var path = _dir.File("passwd");
        File.WriteAllText(path, content);

        var failure = Assert.Single(Validate(new MqttOptions { Host = "0.0.0.0", BrokerPasswordFile = path }));

        Assert.Equal(key, Assert.Single(failure.MemberNames));
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public async Task Validate_UnparsableAclFile_FailsNamingBrokerAclFile()
    {
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), ("node-a", "pw"));
        var acl = _dir.File("acl");
        File.WriteAllText(acl, "user node-a\nallow everything\n");

        var failure = Assert.Single(Validate(new MqttOptions { Host = "0.0.0.0", BrokerPasswordFile = passwords, BrokerAclFile = acl }));

        Assert.Equal(nameof(MqttOptions.BrokerAclFile), Assert.Single(failure.MemberNames));
        Assert.Contains("line 2", failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordFile_MadeByMosquittoPasswd_VerifiesItsPasswordsOnly()
    {
        var path = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), ("node-a", "s3cret"), ("operator", "other"));

        var file = MosquittoPasswordFile.Load(path);

        Assert.True(file.Verify("node-a", "s3cret"));
        Assert.True(file.Verify("operator", "other"));
        Assert.False(file.Verify("node-a", "other"));
        Assert.False(file.Verify("nobody", "s3cret"));
        Assert.False(file.Verify(null, string.Empty));
    }

    [Fact]
    public void PasswordFile_Sha512Entry_Verifies()
    {
        // mosquitto 1.x "$6$": SHA-512 of password then salt.
        var salt = RandomNumberGenerator.GetBytes(12);
        var hash = SHA512.HashData([.. Encoding.UTF8.GetBytes("pw"), .. salt]);
        var path = _dir.File("passwd6");
        File.WriteAllText(path, $"old:$6${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}\n");

        var file = MosquittoPasswordFile.Load(path);

        Assert.True(file.Verify("old", "pw"));
        Assert.False(file.Verify("old", "pw2"));
    }

    [Fact]
    public async Task AnonymousClient_EmbeddedBrokerOnNonLoopbackBind_Refused_LoggedInNodeAccepted()
    {
        var passwords = await MosquittoConfig.CreatePasswordFileAsync(_dir.File("passwd"), ("node-a", "pw"));
        var port = FreePort.Next();
        await using var broker = EmbeddedBroker.FromOptions(new MqttOptions { Host = "0.0.0.0", Port = port, BrokerPasswordFile = passwords }, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync();

        var anonymous = await ConnectAsync(port, null, null);
        var wrong = await ConnectAsync(port, "node-a", "guess");
        var result = await ConnectAsync(port, "node-a", "pw");

        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, anonymous);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, wrong);
        Assert.Equal(MqttClientConnectResultCode.Success, result);
    }

    [Fact]
    public void ShippedAcl_IsTheFileInDeploy()
    {
        var shipped = BrokerAccessControl.ShippedAcl();
        var file = MosquittoAcl.Load(Path.Combine(RepoPaths.Root, "deploy", "mosquitto", "edgenode.acl"));

        foreach (var (user, topic, access) in new[] { ("viewer", "edgenode/n/cmd/label", AclAccess.Write), ("viewer", "edgenode/n/cmd/health", AclAccess.Write), ("n", "edgenode/n/results", AclAccess.Write), ("fleet", "edgenode/fleet/status", AclAccess.Write) })
        {
            Assert.Equal(file.Allows(user, "c", topic, access), shipped.Allows(user, "c", topic, access));
        }

        Assert.False(shipped.Allows("viewer", "c", "edgenode/n/cmd/label", AclAccess.Write));
        Assert.True(shipped.Allows("viewer", "c", "edgenode/n/cmd/health", AclAccess.Write));
    }

    public void Dispose() => _dir.Dispose();

    private static List<ValidationResult> Validate(MqttOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    private static async Task<MqttClientConnectResultCode> ConnectAsync(int port, string? user, string? password)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("c-" + Guid.NewGuid().ToString("N")[..8]).WithProtocolVersion(MqttProtocolVersion.V500);
        if (user is not null)
        {
            builder.WithCredentials(user, password);
        }

        var result = await client.ConnectAsync(builder.Build());
        if (client.IsConnected)
        {
            await client.DisconnectAsync();
        }

        return result.ResultCode;
    }
}
