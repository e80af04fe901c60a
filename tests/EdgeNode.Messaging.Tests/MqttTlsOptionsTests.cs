using System.ComponentModel.DataAnnotations;
using EdgeNode.Testing;

namespace EdgeNode.Messaging.Tests;

/// <summary>Start-up validation of <c>EdgeNode:Mqtt:Tls</c>: every bad file or combination names its key.</summary>
public sealed class MqttTlsOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestPki _pki;

    public MqttTlsOptionsTests() => _pki = new TestPki(_dir.File("pki"));

    [Fact]
    public void NoTlsSettings_IsValid_AndTlsIsOff()
    {
        var options = new MqttOptions();

        Assert.Empty(Validate(options));
        Assert.False(options.Tls.IsEnabled);
    }

    [Fact]
    public void CaCertAndKey_AreValid_AndTurnTlsOn()
    {
        var client = _pki.IssueClient("n1");
        var options = new MqttOptions { Tls = { CaFile = _pki.CaFile, CertFile = client.CertFile, KeyFile = client.KeyFile } };

        Assert.Empty(Validate(options));
        Assert.True(options.Tls.IsEnabled);
    }

    [Fact]
    public void EnabledWithoutFiles_IsValid_TheSystemStoreIsTrusted()
    {
        var options = new MqttOptions { Tls = { Enabled = true } };

        Assert.Empty(Validate(options));
        Assert.True(options.Tls.IsEnabled);
    }

    [Fact]
    public void MissingCaFile_NamesCaFile()
    {
        var missing = _dir.File("nope.crt");

        var error = Assert.Single(Validate(new MqttOptions { Tls = { CaFile = missing } }));

        Assert.Equal(["Tls:CaFile"], error.MemberNames);
        Assert.Contains(missing, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CaFileWithoutCertificate_NamesCaFile()
    {
        var garbage = _dir.File("garbage.crt");
        File.WriteAllText(garbage, "not a certificate\n");

        var error = Assert.Single(Validate(new MqttOptions { Tls = { CaFile = garbage } }));

        Assert.Equal(["Tls:CaFile"], error.MemberNames);
        Assert.Contains("no PEM certificate", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void CertWithoutKey_NamesKeyFile()
    {
        var client = _pki.IssueClient("n2");

        var error = Assert.Single(Validate(new MqttOptions { Tls = { CaFile = _pki.CaFile, CertFile = client.CertFile } }));

        Assert.Equal(["Tls:KeyFile"], error.MemberNames);
    }

    [Fact]
    public void KeyWithoutCert_NamesCertFile()
    {
        var client = _pki.IssueClient("n3");

        var error = Assert.Single(Validate(new MqttOptions { Tls = { KeyFile = client.KeyFile } }));

        Assert.Equal(["Tls:CertFile"], error.MemberNames);
    }

    [Fact]
    public void MissingCertFile_NamesCertFile()
    {
        var client = _pki.IssueClient("n4");

        var error = Assert.Single(Validate(new MqttOptions { Tls = { CertFile = _dir.File("gone.crt"), KeyFile = client.KeyFile } }));

        Assert.Equal(["Tls:CertFile"], error.MemberNames);
    }

    [Fact]
    public void KeyOfAnotherCertificate_NamesKeyFile()
    {
        var mine = _pki.IssueClient("n5");
        var other = _pki.IssueClient("n6");

        var error = Assert.Single(Validate(new MqttOptions { Tls = { CertFile = mine.CertFile, KeyFile = other.KeyFile } }));

        Assert.Equal(["Tls:KeyFile"], error.MemberNames);
        Assert.Contains("not the PEM private key", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyFileThatIsNotAKey_NamesKeyFile()
    {
        var mine = _pki.IssueClient("n7");

        // A certificate where the key should be: a common mix-up.
        var error = Assert.Single(Validate(new MqttOptions { Tls = { CertFile = mine.CertFile, KeyFile = mine.CertFile } }));

        Assert.Equal(["Tls:KeyFile"], error.MemberNames);
    }

    [Fact]
    public void EncryptedKey_RightPassword_IsValid()
    {
        var client = _pki.IssueClient("n8", keyPassword: "s3cret");

        Assert.Empty(Validate(new MqttOptions { Tls = { CertFile = client.CertFile, KeyFile = client.KeyFile, KeyPassword = "s3cret" } }));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public void EncryptedKey_MissingOrWrongPassword_NamesKeyPassword(string? password)
    {
        var client = _pki.IssueClient("n9", keyPassword: "s3cret");

        var error = Assert.Single(Validate(new MqttOptions { Tls = { CertFile = client.CertFile, KeyFile = client.KeyFile, KeyPassword = password } }));

        Assert.Equal(["Tls:KeyPassword"], error.MemberNames);
    }

    [Fact]
    public void DisabledWithFilesSet_NamesEnabled()
    {
        var error = Assert.Single(Validate(new MqttOptions { Tls = { Enabled = false, CaFile = _pki.CaFile } }));

        Assert.Equal(["Tls:Enabled"], error.MemberNames);
    }

    [Fact]
    public void RsaClientCertificate_InTraditionalPem_IsValid()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=n10", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = _dir.File("rsa.crt");
        var keyFile = _dir.File("rsa.key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, rsa.ExportRSAPrivateKeyPem());

        Assert.Empty(Validate(new MqttOptions { Tls = { CertFile = certFile, KeyFile = keyFile } }));
    }

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void TlsWithTheEmbeddedBroker_NamesEmbeddedBroker()
    {
        var options = new MqttOptions { EmbeddedBroker = true, Tls = { CaFile = _pki.CaFile } };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));

        var error = Assert.Single(results);
        Assert.Equal(["EmbeddedBroker"], error.MemberNames);
        Assert.Contains("EdgeNode__Mqtt__EmbeddedBroker=false", error.ErrorMessage, StringComparison.Ordinal);
    }

    // As the host validates a section: the options, then the nested Tls object under its own key. TLS is for an
    // external broker (with the embedded one, the rule across fields above applies).
    private static List<ValidationResult> Validate(MqttOptions options)
    {
        options.EmbeddedBroker = false;
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var tls = new List<ValidationResult>();
        Validator.TryValidateObject(options.Tls, new ValidationContext(options.Tls), tls, validateAllProperties: true);
        results.AddRange(tls.Select(r => new ValidationResult(r.ErrorMessage, [.. r.MemberNames.Select(m => "Tls:" + m)])));
        return results;
    }
}
