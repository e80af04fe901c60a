using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace EdgeNode.Testing;

/// <summary>
/// A throw-away certificate authority made in-process (<see cref="CertificateRequest"/>, no openssl): a CA, broker
/// and client certificates written as PEM files into a folder, for TLS tests against a real mosquitto.
/// </summary>
public sealed class TestPki : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly string _directory;
    private int _files;

    /// <summary>Creates a CA named <paramref name="name"/> with its files in <paramref name="directory"/>.</summary>
    public TestPki(string directory, string name = "EdgeNode test CA")
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        CaFile = Write(Unique("ca", ".crt"), _ca.ExportCertificatePem());
    }

    /// <summary>The CA certificate (PEM).</summary>
    public string CaFile { get; }

    /// <summary>A broker certificate for <paramref name="names"/> (IP addresses and DNS names, as subject alternative names).</summary>
    public PemFiles IssueServer(params string[] names)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        return Issue(names[0], "1.3.6.1.5.5.7.3.1", san.Build(), password: null);
    }

    /// <summary>A client certificate with CN = <paramref name="commonName"/> (the MQTT user name under use_identity_as_username).</summary>
    public PemFiles IssueClient(string commonName, string? keyPassword = null) => Issue(commonName, "1.3.6.1.5.5.7.3.2", null, keyPassword);

    /// <summary>
    /// MQTTnet settings for a test client (a probe, an operator) that trusts only this CA and presents
    /// <paramref name="client"/> when given.
    /// </summary>
    public Action<MqttClientOptionsBuilder> ClientTls(PemFiles? client, string targetHost = "127.0.0.1") => builder =>
    {
        var trust = new X509Certificate2Collection();
        trust.ImportFromPemFile(CaFile);
        builder.WithTlsOptions(o =>
        {
            o.UseTls().WithTargetHost(targetHost).WithTrustChain(trust).WithRevocationMode(X509RevocationMode.NoCheck);
            if (client is not null)
            {
                o.WithClientCertificates([X509Certificate2.CreateFromPemFile(client.CertFile, client.KeyFile)]);
            }
        });
    };

    /// <inheritdoc />
    public void Dispose() => _ca.Dispose();

    private PemFiles Issue(string commonName, string usageOid, X509Extension? san, string? password)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serial);
        var keyPem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        var stem = commonName.Replace('/', '_');
        return new PemFiles(Write(Unique(stem, ".crt"), certificate.ExportCertificatePem()), Write(Unique(stem, ".key"), keyPem));
    }

    private string Unique(string stem, string extension) => Path.Combine(_directory, $"{stem}-{Interlocked.Increment(ref _files)}{extension}");

    private static string Write(string path, string pem)
    {
        File.WriteAllText(path, pem + "\n");
        return path;
    }
}
