using System.Security.Cryptography;
using EdgeNode.Common;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing.Fuzz;

namespace EdgeNode.Learning.Tests.Fuzz;

/// <summary>
/// Issue 20: the federated wire formats and the head file under 10,000 seeded mutations each. Every input is either
/// parsed or refused with <see cref="InvalidDataException"/> and a message; nothing else escapes.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class WireFuzzTests
{
    private static readonly HeadModel Head = MakeHead();
    private static readonly int[] Layout = TensorLayout.Of(Head);

    [Fact]
    public void HeadSerializer_MutatedHeadFiles_ParsedOrInvalidData()
    {
        byte[] seed = HeadSerializer.Serialize(Head, new HeadInfo(3, DateTimeOffset.UnixEpoch, "resnet18-int8", 0.9, 40));
        var body = seed[..^32];

        // Half the inputs get a valid checksum again, so that the mutation reaches the parser behind it.
        var turn = 0;
        var refused = FuzzRun.Run("HeadSerializer", [seed, body], input => Accepted(() =>
        {
            var data = turn++ % 2 == 0 ? input : [.. input, .. SHA256.HashData(input)];
            var (head, _) = HeadSerializer.Deserialize(data);
            Assert.True(head.ParameterCount >= 0);
        }));

        Assert.InRange(refused, 1, FuzzRun.Inputs);
    }

    [Fact]
    public void GlobalHead_MutatedMessages_ParsedOrInvalidData_AndAParsedOneReadsItsHeadOrRefuses()
    {
        var deadline = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        byte[][] seeds = [GlobalHead.Create(Head, 7, 8, deadline, new FederatedTrainingConfig()).ToBytes(), GlobalHead.Create(new HeadModel(4, 3), 0, 1, deadline, new FederatedTrainingConfig()).ToBytes()];

        FuzzRun.Run("GlobalHead", seeds, input => Accepted(() =>
        {
            var global = GlobalHead.Parse(input);
            global.ReadHead();
        }));
    }

    [Fact]
    public void HeadUpdateWire_MutatedUpdates_ParsedOrInvalidData_DecodeToo()
    {
        using var signer = EcdsaSigner.Create();
        var delta = new float[Head.ParameterCount];
        var random = new Random(5);
        for (var i = 0; i < delta.Length; i++)
        {
            delta[i] = (float)(random.NextDouble() - 0.5);
        }

        var seeds = new[] { DeltaCodec.Dense, DeltaCodec.QuantizedInt, DeltaCodec.TopK }.Select(codec =>
            HeadUpdateWire.Write(new HeadUpdate("node-a", 4, 3, 120, 0, codec, delta.Length, DeltaEncoder.Encode(delta, Layout, new CodecSettings(codec), new float[delta.Length])), signer)).ToArray();

        FuzzRun.Run("HeadUpdateWire", seeds, input => Accepted(() =>
        {
            var update = HeadUpdateWire.Read(input).Update;

            // As the aggregator does: the shape first, so that a forged count never sizes an allocation.
            if (update.ParameterCount == Head.ParameterCount)
            {
                DeltaEncoder.Decode(update.Payload.Span, update.Codec, Layout, new float[update.ParameterCount]);
            }
        }));
    }

    [Fact]
    public void ChunkAssembler_MutatedChunks_RefusedOrAssembled_BoundsHold_AValidMessageStillAssembles()
    {
        var message = new byte[3000];
        new Random(9).NextBytes(message);
        var chunks = MessageChunks.Split(message, 1024);
        var assembler = new ChunkAssembler(maxPending: 8, maxMessageBytes: 64 << 10, maxTotalBytes: 256 << 10, maxSenderBytes: 128 << 10);

        FuzzRun.Run("ChunkAssembler", chunks, input => Accepted(() =>
        {
            var whole = assembler.Add(input, "fuzz");

            // Whatever is handed out is a message whose id (SHA-256 prefix) matches: never a mix of two.
            Assert.True(whole is null || MessageChunks.ReadHeader(input).MessageId == Convert.ToHexStringLower(SHA256.HashData(whole).AsSpan(0, 16)));
            Assert.InRange(assembler.PendingBytes, 0, 128 << 10);
        }));

        // Another sender's transfer is untouched by the storm.
        byte[]? result = null;
        foreach (var chunk in chunks)
        {
            result = assembler.Add(chunk, "honest");
        }

        Assert.Equal(message, result);
    }

    private static bool Accepted(Action parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (InvalidDataException ex)
        {
            Assert.False(string.IsNullOrWhiteSpace(ex.Message));
            return false;
        }
    }

    private static HeadModel MakeHead()
    {
        var head = new HeadModel(8);
        foreach (var label in new[] { "cat", "dog", "bird" })
        {
            head.AddClass(label);
        }

        return head;
    }
}
