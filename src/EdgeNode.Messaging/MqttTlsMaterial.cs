using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeNode.Messaging;

/// <summary>
/// The CA bundle and client certificate read from the PEM files of <see cref="MqttTlsOptions"/>. Loaded afresh for
/// every connect; every failure names the setting to fix (<see cref="MqttTlsFileException"/>).
/// </summary>
internal sealed class MqttTlsMaterial : IDisposable
{
    private MqttTlsMaterial(X509Certificate2Collection? trustedCas, X509Certificate2? clientCertificate)
    {
        TrustedCas = trustedCas;
        ClientCertificate = clientCertificate;
    }

    /// <summary>The CAs from <c>CaFile</c>; null: the system's trust store.</summary>
    public X509Certificate2Collection? TrustedCas { get; }

    /// <summary>The client certificate with its private key; null: no client certificate.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>Reads the files named by <paramref name="options"/>.</summary>
    /// <exception cref="MqttTlsFileException">A file is missing, unreadable, not PEM, or the key does not fit.</exception>
    public static MqttTlsMaterial Load(MqttTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var hasCert = !string.IsNullOrWhiteSpace(options.CertFile);
        var hasKey = !string.IsNullOrWhiteSpace(options.KeyFile);
        if (hasCert != hasKey)
        {
            throw hasCert
                ? new MqttTlsFileException("Tls:KeyFile", "a client certificate (Tls:CertFile) needs its private key file.")
                : new MqttTlsFileException("Tls:CertFile", "a private key (Tls:KeyFile) needs its client certificate file.");
        }

        var cas = string.IsNullOrWhiteSpace(options.CaFile) ? null : ReadPemCertificates(options.CaFile, "Tls:CaFile", "the CA file");
        try
        {
            var client = hasCert ? LoadClientCertificate(options.CertFile!, options.KeyFile!, options.KeyPassword) : null;
            return new MqttTlsMaterial(cas, client);
        }
        catch
        {
            DisposeAll(cas);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeAll(TrustedCas);
        ClientCertificate?.Dispose();
    }

    // The CA file and the client certificate fail alike: the key to fix, the file, and why.
    private static X509Certificate2Collection ReadPemCertificates(string path, string key, string what)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            DisposeAll(certificates);
            throw new MqttTlsFileException(key, $"cannot read {what} '{path}': {ex.Message}", ex);
        }

        if (certificates.Count == 0)
        {
            throw new MqttTlsFileException(key, $"'{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        }

        return certificates;
    }

    private static X509Certificate2 LoadClientCertificate(string certPath, string keyPath, string? password)
    {
        var certificates = ReadPemCertificates(certPath, "Tls:CertFile", "the client certificate");

        // The first certificate is the client's own; any further ones (intermediates) are not sent.
        using var certificate = certificates[0];
        for (var i = 1; i < certificates.Count; i++)
        {
            certificates[i].Dispose();
        }

        string keyPem;
        try
        {
            keyPem = File.ReadAllText(keyPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MqttTlsFileException("Tls:KeyFile", $"cannot read the private key '{keyPath}': {ex.Message}", ex);
        }

        var encrypted = keyPem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && string.IsNullOrEmpty(password))
        {
            throw new MqttTlsFileException("Tls:KeyPassword", $"the private key '{keyPath}' is encrypted; set its password.");
        }

        var withKey = Combine(certificate, keyPem, encrypted ? password : null, keyPath);

        // SChannel (Windows) cannot authenticate with an ephemeral key; OpenSSL (Linux) can.
        if (OperatingSystem.IsWindows())
        {
            using (withKey)
            {
                return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
            }
        }

        return withKey;
    }

    private static X509Certificate2 Combine(X509Certificate2 certificate, string keyPem, string? password, string keyPath)
    {
        try
        {
            switch (certificate.GetKeyAlgorithm())
            {
                case "1.2.840.113549.1.1.1":
                {
                    using var rsa = RSA.Create();
                    Import(rsa, keyPem, password);
                    return certificate.CopyWithPrivateKey(rsa);
                }

                case "1.2.840.10045.2.1":
                {
                    using var ecdsa = ECDsa.Create();
                    Import(ecdsa, keyPem, password);
                    return certificate.CopyWithPrivateKey(ecdsa);
                }

                default:
                    throw new MqttTlsFileException("Tls:CertFile", $"the client certificate's key algorithm ({certificate.GetKeyAlgorithm()}) is not supported; use RSA or EC (ECDSA).");
            }
        }
        catch (CryptographicException ex) when (password is not null)
        {
            throw new MqttTlsFileException("Tls:KeyPassword", $"cannot decrypt the private key '{keyPath}' (wrong password, or not the key of Tls:CertFile): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new MqttTlsFileException("Tls:KeyFile", $"'{keyPath}' is not the PEM private key of the certificate in Tls:CertFile: {ex.Message}", ex);
        }
    }

    private static void Import(AsymmetricAlgorithm key, string pem, string? password)
    {
        if (password is null)
        {
            key.ImportFromPem(pem);
        }
        else
        {
            key.ImportFromEncryptedPem(pem, password);
        }
    }

    private static void DisposeAll(X509Certificate2Collection? certificates)
    {
        if (certificates is null)
        {
            return;
        }

        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}
