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

    [Fact]
    public void Chunks_StormOfNewMessagesFromOneSender_BoundedInBytes_OthersTransferCompletes()
    {
        var assembler = new ChunkAssembler(maxTotalBytes: 64 * 1024, maxSenderBytes: 16 * 1024);
        var honest = new byte[8000];
        new Random(7).NextBytes(honest);
        var honestChunks = MessageChunks.Split(honest, 1024);
        Assert.Null(assembler.Add(honestChunks[0], "node-good"));

        var refused = 0;
        for (var i = 0; i < 50; i++)
        {
            var storm = new byte[8000];
            storm[0] = (byte)i;
            try
            {
                Assert.Null(assembler.Add(MessageChunks.Split(storm, 1024)[0], "node-evil"));
            }
            catch (InvalidDataException ex)
            {
                Assert.Contains("per sender", ex.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.Equal(48, refused);
        Assert.True(assembler.PendingBytes <= 8000 + (16 * 1024), assembler.PendingBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        byte[]? whole = null;
        foreach (var chunk in honestChunks.Skip(1))
        {
            whole ??= assembler.Add(chunk, "node-good");
        }

        Assert.Equal(honest, whole);
    }

    [Fact]
    public void Chunks_IdlePartial_ExpiresOnTheMonotonicClock()
    {
        var clock = new SteppedClock();
        var assembler = new ChunkAssembler(idleTimeout: TimeSpan.FromMinutes(5), time: clock);
        var message = new byte[3000];
        new Random(8).NextBytes(message);
        var chunks = MessageChunks.Split(message, 1024);
        Assert.Null(assembler.Add(chunks[0], "node-a"));
        Assert.Equal(3000, assembler.PendingBytes);

        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(assembler.Add(MessageChunks.Split(new byte[2000], 1024)[0], "node-b"));

        Assert.Equal(2000, assembler.PendingBytes);
        Assert.Null(assembler.Add(chunks[1], "node-a"));
        Assert.Null(assembler.Add(chunks[2], "node-a"));
    }

    /// <summary>A monotonic clock that moves only when told (wall-clock time is irrelevant to expiry).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
