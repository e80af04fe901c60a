using System.Security.Cryptography;
using EdgeNode.Inference.Updates;
using EdgeNode.Testing;

namespace EdgeNode.Inference.Tests.Updates;

public sealed class TrustedModelKeysTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Publisher _publisher = new();
    private readonly SignedManifest _signed;

    public TrustedModelKeysTests()
    {
        File.WriteAllBytes(_dir.File("model.onnx"), [1, 2, 3]);
        _signed = _publisher.SignFile(_dir.File("model.onnx"), "resnet18-int8", "2.0.0");
    }

    [Fact]
    public void Verify_SignedByATrustedKey_ReturnsTheKeyName()
    {
        _publisher.Trust(_dir.File("keys"), "ops");
        using var other = new Publisher();
        other.Trust(_dir.File("keys"), "backup");
        using var keys = TrustedModelKeys.Load([_dir.File("keys")], optional: false);

        Assert.Equal(2, keys.Count);
        Assert.Equal("ops", keys.Verify(_signed));
    }

    [Fact]
    public void Verify_DerSignatureAsOpensslWritesIt_IsAccepted()
    {
        var file = _publisher.Trust(_dir.File("keys"));
        using var key = ECDsa.Create();
        key.ImportFromPem(_publisher.Signer.ExportPrivateKeyPem());
        var der = key.SignData(_signed.Manifest.ToCanonicalJson(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var keys = TrustedModelKeys.Load([file], optional: false);

        Assert.Equal("ops", keys.Verify(_signed with { Signature = der }));
    }

    [Fact]
    public void Verify_FlippedSignatureBit_IsBadSignature()
    {
        using var keys = TrustedModelKeys.Load([_publisher.Trust(_dir.File("keys"))], optional: false);
        var signature = _signed.Signature.ToArray();
        signature[10] ^= 0x04;

        AssertBadSignature(keys, _signed with { Signature = signature });
    }

    [Fact]
    public void Verify_SignedByAnUntrustedKey_IsBadSignature()
    {
        using var stranger = new Publisher();
        using var keys = TrustedModelKeys.Load([stranger.Trust(_dir.File("keys"))], optional: false);

        AssertBadSignature(keys, _signed);
    }

    [Fact]
    public void Verify_ManifestChangedAfterSigning_IsBadSignature()
    {
        using var keys = TrustedModelKeys.Load([_publisher.Trust(_dir.File("keys"))], optional: false);

        AssertBadSignature(keys, _signed with { Manifest = _signed.Manifest with { Version = "9.9.9" } });
        AssertBadSignature(keys, _signed with { Manifest = _signed.Manifest with { Size = _signed.Manifest.Size + 1 } });
        AssertBadSignature(keys, _signed with { Manifest = _signed.Manifest with { Output = new TensorSpec("Pooling395_Output_0", [1, 256, 1, 1]) } });
    }

    [Fact]
    public void Verify_NoTrustedKeys_RefusesEverything()
    {
        using var keys = TrustedModelKeys.Load([_dir.File("absent")], optional: true);

        Assert.Equal(0, keys.Count);
        var ex = AssertBadSignature(keys, _signed);
        Assert.Contains("trusts no model-signing key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfiguredKeyMissingOrNotAKey_IsAConfigurationError()
    {
        File.WriteAllText(_dir.File("junk.pem"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");

        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => TrustedModelKeys.Load([_dir.File("absent.pem")], optional: false)).Message, StringComparison.Ordinal);
        Assert.Contains("junk.pem", Assert.Throws<ArgumentException>(() => TrustedModelKeys.Load([_dir.File("junk.pem")], optional: false)).Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _publisher.Dispose();
        _dir.Dispose();
    }

    private static ModelUpdateException AssertBadSignature(TrustedModelKeys keys, SignedManifest signed)
    {
        var ex = Assert.Throws<ModelUpdateException>(() => keys.Verify(signed));
        Assert.Equal(ModelUpdateErrors.BadSignature, ex.Code);
        return ex;
    }
}
