using System.Collections.Concurrent;
using System.Net;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EdgeNode.Messaging.Broker;

/// <summary>
/// Authentication and authorisation of the embedded broker: every client logs in with a user name and password from a
/// mosquitto password file, and what it may publish and receive is decided by a mosquitto ACL (by default the one
/// shipped in <c>deploy/mosquitto/edgenode.acl</c>), the same rules an external mosquitto applies. A denied QoS 1
/// publish is answered with PUBACK 0x87 (not authorised), as mosquitto does; a denied delivery is not sent.
/// </summary>
public sealed class BrokerAccessControl
{
    private const string ShippedAclResource = "EdgeNode.Messaging.Broker.edgenode.acl";
    private readonly MosquittoPasswordFile _passwords;
    private readonly MosquittoAcl _acl;
    private readonly ConcurrentDictionary<string, string> _userByClient = new(StringComparer.Ordinal);

    /// <summary>Creates the control over <paramref name="passwords"/> and <paramref name="acl"/>.</summary>
    public BrokerAccessControl(MosquittoPasswordFile passwords, MosquittoAcl acl)
    {
        _passwords = passwords ?? throw new ArgumentNullException(nameof(passwords));
        _acl = acl ?? throw new ArgumentNullException(nameof(acl));
    }

    /// <summary>The ACL shipped for mosquitto (<c>deploy/mosquitto/edgenode.acl</c>), built into the program.</summary>
    public static MosquittoAcl ShippedAcl()
    {
        using var stream = typeof(BrokerAccessControl).Assembly.GetManifestResourceStream(ShippedAclResource)
            ?? throw new InvalidOperationException($"The resource {ShippedAclResource} is missing from the build.");
        using var reader = new StreamReader(stream);
        return MosquittoAcl.Parse(reader.ReadToEnd(), "the shipped edgenode.acl");
    }

    /// <summary>True when the embedded broker on <paramref name="host"/> is reachable only from this machine.</summary>
    public static bool IsLoopback(string host) =>
        host is "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// The control <paramref name="options"/> ask for: null (anyone may connect) only on a loopback address without
    /// <c>BrokerPasswordFile</c>.
    /// </summary>
    /// <exception cref="BrokerSecurityException">A non-loopback address without a password file, or a file that cannot be used.</exception>
    internal static BrokerAccessControl? FromOptions(MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.BrokerPasswordFile))
        {
            return IsLoopback(options.Host)
                ? null
                : throw new BrokerSecurityException(nameof(MqttOptions.BrokerPasswordFile), $"the embedded broker listens on {options.Host}, beyond this machine, so every client must log in: set it to a mosquitto password file (mosquitto_passwd -c FILE <node-id>, plus operator, viewer, …; docs/security.md), or EdgeNode__Mqtt__Host=127.0.0.1");
        }

        MosquittoPasswordFile passwords;
        try
        {
            passwords = MosquittoPasswordFile.Load(options.BrokerPasswordFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new BrokerSecurityException(nameof(MqttOptions.BrokerPasswordFile), $"cannot use the password file '{options.BrokerPasswordFile}': {ex.Message}");
        }

        if (passwords.Users.Count == 0)
        {
            throw new BrokerSecurityException(nameof(MqttOptions.BrokerPasswordFile), $"the password file '{options.BrokerPasswordFile}' lists no user; nobody could connect, not even the node");
        }

        if (string.IsNullOrWhiteSpace(options.BrokerAclFile))
        {
            return new BrokerAccessControl(passwords, ShippedAcl());
        }

        try
        {
            return new BrokerAccessControl(passwords, MosquittoAcl.Load(options.BrokerAclFile));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new BrokerSecurityException(nameof(MqttOptions.BrokerAclFile), $"cannot use the ACL file '{options.BrokerAclFile}': {ex.Message}");
        }
    }

    /// <summary>Hooks the checks into <paramref name="server"/>; call before it starts.</summary>
    internal void Attach(MqttServer server)
    {
        server.ValidatingConnectionAsync += ValidateAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingClientEnqueueAsync += InterceptEnqueueAsync;
    }

    private Task ValidateAsync(ValidatingConnectionEventArgs args)
    {
        var clientId = string.IsNullOrEmpty(args.AssignedClientIdentifier) ? args.ClientId : args.AssignedClientIdentifier;
        if (!_passwords.Verify(args.UserName, args.Password))
        {
            // As mosquitto 2.0 answers a missing or wrong password (0x87), so ConnectFailure reads both alike.
            args.ReasonCode = MqttConnectReasonCode.NotAuthorized;
            return Task.CompletedTask;
        }

        // The last login under a client id wins, as the session it takes over.
        _userByClient[clientId] = args.UserName;
        return Task.CompletedTask;
    }

    private Task InterceptPublishAsync(InterceptingPublishEventArgs args)
    {
        var user = string.IsNullOrEmpty(args.UserName) ? null : args.UserName;
        if (!_acl.Allows(user, args.ClientId, args.ApplicationMessage.Topic, AclAccess.Write))
        {
            args.ProcessPublish = false;
            args.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            args.Response.ReasonString = "not authorised by the broker's ACL";
        }

        return Task.CompletedTask;
    }

    private Task InterceptEnqueueAsync(InterceptingClientApplicationMessageEnqueueEventArgs args)
    {
        if (!_userByClient.TryGetValue(args.ReceiverClientId, out var user) || !_acl.Allows(user, args.ReceiverClientId, args.ApplicationMessage.Topic, AclAccess.Read))
        {
            args.AcceptEnqueue = false;
        }

        return Task.CompletedTask;
    }
}
