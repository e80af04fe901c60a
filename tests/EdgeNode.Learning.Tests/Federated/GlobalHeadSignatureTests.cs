using EdgeNode.Common;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Tests.Federated;

/// <summary>Issue 20, item 6: the signed global head (format 2).</summary>
public sealed class GlobalHeadSignatureTests
{
    [Fact]
    public void Parse_SignedHead_VerifiesUnderTheAggregatorsKeyOnly_ATamperedOneNotAtAll()
    {
        var head = new HeadModel(4);
        head.AddClass("cat");
        head.AddClass("dog");
        using var aggregator = EcdsaSigner.Create();
        using var rogue = EcdsaSigner.Create();
        using var trusted = new EcdsaKeyRing();
        trusted.Register("global", aggregator.ExportPublicKeyPem());
        var global = GlobalHead.Create(head, 5, 6, DateTimeOffset.UnixEpoch, new FederatedTrainingConfig());

        var signed = global.ToBytes(aggregator);
        var parsed = GlobalHead.Parse(signed);

        Assert.Equal("global", parsed.SignerIn(trusted));
        Assert.Equal((5L, 6L, global.Sha256), (parsed.Version, parsed.Round, parsed.Sha256));
        Assert.Null(GlobalHead.Parse(global.ToBytes()).SignerIn(trusted));
        Assert.Null(GlobalHead.Parse(global.ToBytes(rogue)).SignerIn(trusted));

        // A forged version in an otherwise signed message: the JSON changes, so the signature no longer verifies.
        var forged = GlobalHead.Parse((global with { Version = long.MaxValue / 2 }).ToBytes(rogue));
        Assert.Null(forged.SignerIn(trusted));
        var tampered = (byte[])signed.Clone();
        tampered[20] ^= 1;
        Assert.True(TryParse(tampered) is not { } t || t.SignerIn(trusted) is null);
    }

    private static GlobalHead? TryParse(byte[] message)
    {
        try
        {
            return GlobalHead.Parse(message);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
