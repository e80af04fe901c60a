using EdgeNode.Common;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class HeadUpdateWireTests
{
    private static HeadUpdate Sample(string node = "node-1") =>
        new(node, 7, 6, 120, 0.25f, DeltaCodec.Dense, 3, new byte[] { 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64 });

    [Fact]
    public void WriteRead_RoundTrip_SignatureVerifies()
    {
        using var signer = EcdsaSigner.Create();
        using var registry = new EcdsaKeyRing();
        registry.Register("node-1", signer.ExportPublicKeyPem());
        var bytes = HeadUpdateWire.Write(Sample(), signer);
        var read = HeadUpdateWire.Read(bytes);
        Assert.Equal(Sample() with { Payload = default }, read.Update with { Payload = default });
        Assert.Equal(Sample().Payload.ToArray(), read.Update.Payload.ToArray());
        Assert.True(read.IsSignedBy(registry));
    }

    [Fact]
    public void Verify_TamperedPayload_Fails()
    {
        using var signer = EcdsaSigner.Create();
        using var registry = new EcdsaKeyRing();
        registry.Register("node-1", signer.ExportPublicKeyPem());
        var bytes = HeadUpdateWire.Write(Sample(), signer);
        bytes[^70] ^= 0x40; // a payload byte
        Assert.False(HeadUpdateWire.Read(bytes).IsSignedBy(registry));
    }

    [Fact]
    public void Verify_UnregisteredNodeOrOtherKey_Fails()
    {
        using var signer = EcdsaSigner.Create();
        using var other = EcdsaSigner.Create();
        using var registry = new EcdsaKeyRing();
        registry.Register("node-1", other.ExportPublicKeyPem());
        Assert.False(HeadUpdateWire.Read(HeadUpdateWire.Write(Sample(), signer)).IsSignedBy(registry));
        Assert.False(HeadUpdateWire.Read(HeadUpdateWire.Write(Sample("node-2"), signer)).IsSignedBy(registry));
    }

    [Fact]
    public void Read_TruncatedOrForeign_Throws()
    {
        using var signer = EcdsaSigner.Create();
        var bytes = HeadUpdateWire.Write(Sample(), signer);
        Assert.Throws<InvalidDataException>(() => HeadUpdateWire.Read(bytes.AsMemory(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => HeadUpdateWire.Read(bytes.AsMemory(0, 20)));
        Assert.Throws<InvalidDataException>(() => HeadUpdateWire.Read("{\"json\":1}"u8.ToArray()));
    }

    [Fact]
    public void Signer_PemRoundTrip_SignsForTheSameKey()
    {
        using var signer = EcdsaSigner.Create();
        using var loaded = EcdsaSigner.FromPem(signer.ExportPrivateKeyPem());
        using var registry = new EcdsaKeyRing();
        registry.Register("node-1", signer.ExportPublicKeyPem());
        Assert.True(HeadUpdateWire.Read(HeadUpdateWire.Write(Sample(), loaded)).IsSignedBy(registry));
    }

    [Fact]
    public void Chunks_ShuffledWithDuplicates_Reassemble()
    {
        var message = new byte[10_000];
        new Random(5).NextBytes(message);
        var chunks = MessageChunks.Split(message, 1024).ToList();
        Assert.Equal(11, chunks.Count);
        var assembler = new ChunkAssembler();
        var order = chunks.Concat(chunks.Take(3)).OrderBy(c => c[21] * 7 % 11).ToList();
        byte[]? whole = null;
        foreach (var chunk in order)
        {
            whole ??= assembler.Add(chunk);
        }

        Assert.Equal(message, whole);
    }

    [Fact]
    public void Chunks_CorruptedData_Throws()
    {
        var message = new byte[3000];
        new Random(6).NextBytes(message);
        var chunks = MessageChunks.Split(message, 1024);
        chunks[1][MessageChunks.HeaderLength + 3] ^= 1;
        var assembler = new ChunkAssembler();
        foreach (var chunk in chunks.Take(chunks.Count - 1))
        {
            Assert.Null(assembler.Add(chunk));
        }

        Assert.Throws<InvalidDataException>(() => assembler.Add(chunks[^1]));
    }

    [Fact]
    public void Chunks_OverLimit_Throws()
    {
        var chunks = MessageChunks.Split(new byte[5000], 1024);
        Assert.Throws<InvalidDataException>(() => new ChunkAssembler(maxMessageBytes: 4096).Add(chunks[0]));
    }
}
