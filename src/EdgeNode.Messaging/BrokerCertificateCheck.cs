using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace EdgeNode.Messaging;

/// <summary>
/// Checks the broker's certificate during the TLS handshake. The chain has already been built by .NET against
/// the configured CA only (custom root trust) or the system store; this turns the outcome into a decision and,
/// on refusal, into a sentence an operator can act on (<see cref="LastRejection"/>).
/// </summary>
internal sealed class BrokerCertificateCheck(string serverName, string trustedBy, bool allowUntrusted)
{
    private volatile string? _lastRejection;

    /// <summary>Why the last broker certificate was refused; null when the last one was accepted.</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>The name the certificate must carry (the TLS server name).</summary>
    public string ServerName => serverName;

    /// <summary>True accepts <paramref name="certificate"/>.</summary>
    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            _lastRejection = null;
            return true;
        }

        var reasons = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            reasons.Add("the broker sent no certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            reasons.Add($"the broker's certificate is not issued for '{serverName}' (it must name the host in a subject alternative name; EdgeNode__Mqtt__Tls__ServerName sets the name to check)");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var status = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
            reasons.Add($"the broker's certificate ({certificate?.Subject}) is not trusted by {trustedBy}" + (status.Length > 0 ? $" ({string.Join(", ", status)})" : string.Empty));
        }

        if (allowUntrusted)
        {
            _lastRejection = null;
            return true;
        }

        _lastRejection = "TLS: " + string.Join("; ", reasons);
        return false;
    }
}
