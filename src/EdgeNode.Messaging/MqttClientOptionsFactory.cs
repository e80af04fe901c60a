using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeNode.Messaging;

/// <summary>
/// The one place that turns <see cref="MqttOptions"/> (server, credentials, TLS) into MQTTnet client options; the
/// node, the aggregator and <c>simulate-fleet</c> all connect through <see cref="MqttMessageBus"/>, which uses it.
/// TLS files are read again for every connect (a rotated certificate is picked up at the next reconnect); the
/// material of the previous connection is disposed then.
/// </summary>
internal sealed class MqttClientOptionsFactory(MqttOptions options) : IDisposable
{
    private readonly Lock _gate = new();
    private MqttTlsMaterial? _current;
    private BrokerCertificateCheck? _check;

    /// <summary>Why the broker's certificate was refused at the last connect; null if it was not.</summary>
    public string? LastTlsRejection => _check?.LastRejection;

    /// <summary>A builder with server, client id, protocol v5, keep-alive, timeout, credentials and TLS set.</summary>
    /// <exception cref="MqttTlsFileException">A TLS file cannot be used.</exception>
    public MqttClientOptionsBuilder Create(string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Broker.BrokerEndpoint.ConnectHost(options), options.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds))
            .WithMaximumPacketSize((uint)options.MaxPacketBytes);
        if (!string.IsNullOrEmpty(options.Username))
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        var tls = options.Tls;
        if (!tls.IsEnabled)
        {
            return builder;
        }

        var material = MqttTlsMaterial.Load(tls);
        lock (_gate)
        {
            _current?.Dispose();
            _current = material;
        }

        var serverName = string.IsNullOrWhiteSpace(tls.ServerName) ? options.Host : tls.ServerName;
        var check = new BrokerCertificateCheck(serverName, material.TrustedCas is null ? "the system's CA store" : $"the CA in EdgeNode:Mqtt:Tls:CaFile ('{tls.CaFile}')", tls.AllowUntrustedCertificates);
        _check = check;
        return builder.WithTlsOptions(o =>
        {
            o.UseTls()
                .WithTargetHost(serverName)
                .WithCertificateValidationHandler(e => check.Validate(e.Certificate, e.Chain, e.SslPolicyErrors));
            if (material.TrustedCas is { } cas)
            {
                // Only the site CA is trusted (custom root trust); a site CA publishes no revocation lists.
                o.WithTrustChain(cas).WithRevocationMode(X509RevocationMode.NoCheck);
            }

            if (material.ClientCertificate is { } certificate)
            {
                o.WithClientCertificates([certificate]);
            }
        });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }
    }
}
