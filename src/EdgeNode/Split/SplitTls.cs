using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeNode.Messaging;

namespace EdgeNode.Split;

/// <summary>
/// The MQTT certificates (<c>EdgeNode:Mqtt:Tls</c>: CA, the node's certificate and key) reused for split inference:
/// the tail serves the node's certificate and requires a head's, the head presents its own and trusts only tails
/// whose certificate chains to the same CA (mutual TLS).
/// </summary>
internal sealed class SplitTls : IDisposable
{
    private SplitTls(X509Certificate2Collection authorities, X509Certificate2 certificate)
    {
        Authorities = authorities;
        Certificate = certificate;
    }

    /// <summary>The CA every peer's certificate must chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>This node's certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Loads the files <paramref name="options"/> name.</summary>
    /// <exception cref="ArgumentException">A file that is missing or not PEM (names the key; the node exits 78).</exception>
    public static SplitTls Load(MqttTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(options.CaFile!);
            var certificate = string.IsNullOrEmpty(options.KeyPassword)
                ? X509Certificate2.CreateFromPemFile(options.CertFile!, options.KeyFile)
                : X509Certificate2.CreateFromEncryptedPemFile(options.CertFile!, options.KeyPassword, options.KeyFile);
            return new SplitTls(authorities, certificate);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"EdgeNode:Mqtt:Tls (EdgeNode__Mqtt__Tls__CaFile/CertFile/KeyFile), used by split inference: {ex.Message}", ex);
        }
    }

    /// <summary>True when <paramref name="certificate"/> chains to <see cref="Authorities"/> (no system roots).</summary>
    public bool Trusts(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>The head's side: present this node's certificate, accept only a tail certificate of the CA.</summary>
    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        ClientCertificates = [Certificate],
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            (errors & ~(SslPolicyErrors.RemoteCertificateChainErrors)) == SslPolicyErrors.None && Trusts(certificate as X509Certificate2),
    };

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var authority in Authorities)
        {
            authority.Dispose();
        }
    }
}
