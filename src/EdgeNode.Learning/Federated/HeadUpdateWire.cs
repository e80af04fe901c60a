using System.Buffers.Binary;
using System.Text;
using EdgeNode.Common;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// The binary update format, version 1 (little-endian): magic <c>EDFU</c>, u8 format version, u16 + UTF-8 node id,
/// i64 round, i64 base version, i32 sample count, f32 train loss, u8 codec, i32 parameter count, i32 payload
/// length, payload; format version 2 then i32 validation total, i32 correct by the round's global head, i32 correct by
/// the fleet head (<see cref="ValidationScore"/>); then u16 signature length and the ECDSA P-256 signature (IEEE P1363, 64 bytes) over every byte before it.
/// </summary>
public static class HeadUpdateWire
{
    /// <summary>Format version of an update without a validation score.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Format version of an update with a validation score.</summary>
    public const byte ScoredFormatVersion = 2;

    private const int ScoreBytes = 12;

    private const int Magic = 0x55464445; // "EDFU"
    private const int MaxNodeIdBytes = 256;

    /// <summary>Serialises <paramref name="update"/> and signs it with <paramref name="signer"/>.</summary>
    public static byte[] Write(HeadUpdate update, EcdsaSigner signer)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(signer);
        var node = Encoding.UTF8.GetBytes(update.NodeId);
        if (node.Length is 0 or > MaxNodeIdBytes)
        {
            throw new ArgumentException("The node id must be 1 to 256 UTF-8 bytes.", nameof(update));
        }

        var scoreLength = update.Validation is null ? 0 : ScoreBytes;
        var bodyLength = 4 + 1 + 2 + node.Length + 8 + 8 + 4 + 4 + 1 + 4 + 4 + update.Payload.Length + scoreLength;
        var buffer = new byte[bodyLength + 2 + EcdsaSigner.SignatureLength];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, Magic);
        span[4] = update.Validation is null ? FormatVersion : ScoredFormatVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(span[5..], (ushort)node.Length);
        node.CopyTo(span[7..]);
        var at = 7 + node.Length;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], update.Round);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], update.BaseVersion);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 16)..], update.SampleCount);
        BinaryPrimitives.WriteSingleLittleEndian(span[(at + 20)..], update.TrainLoss);
        span[at + 24] = (byte)update.Codec;
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 25)..], update.ParameterCount);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 29)..], update.Payload.Length);
        update.Payload.Span.CopyTo(span[(at + 33)..]);
        if (update.Validation is { } score)
        {
            var s = span[(at + 33 + update.Payload.Length)..];
            BinaryPrimitives.WriteInt32LittleEndian(s, score.Total);
            BinaryPrimitives.WriteInt32LittleEndian(s[4..], score.CandidateCorrect);
            BinaryPrimitives.WriteInt32LittleEndian(s[8..], score.IncumbentCorrect);
        }

        var signature = span[(bodyLength + 2)..];
        var written = signer.Sign(span[..bodyLength], signature);
        BinaryPrimitives.WriteUInt16LittleEndian(span[bodyLength..], (ushort)written);
        return buffer[..(bodyLength + 2 + written)];
    }

    /// <summary>Parses a message; the signature is not checked here (<see cref="EcdsaKeyRing.Verify"/> does).</summary>
    /// <exception cref="InvalidDataException">Truncated, not an update, or an unknown format version.</exception>
    public static SignedHeadUpdate Read(ReadOnlyMemory<byte> message)
    {
        var span = message.Span;
        if (span.Length < 7 || BinaryPrimitives.ReadInt32LittleEndian(span) != Magic)
        {
            throw new InvalidDataException("Not an EdgeNode model update.");
        }

        if (span[4] is not (FormatVersion or ScoredFormatVersion))
        {
            throw new InvalidDataException($"Unknown update format version {span[4]}.");
        }

        var nodeLength = BinaryPrimitives.ReadUInt16LittleEndian(span[5..]);
        var at = 7 + nodeLength;
        if (nodeLength is 0 or > MaxNodeIdBytes || span.Length < at + 33)
        {
            throw new InvalidDataException("The update header is truncated.");
        }

        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 29)..]);
        var scoreLength = span[4] == ScoredFormatVersion ? ScoreBytes : 0;
        var bodyLength = at + 33 + (long)payloadLength + scoreLength;
        if (payloadLength < 0 || span.Length < bodyLength + 2)
        {
            throw new InvalidDataException("The update payload is truncated.");
        }

        var signatureLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)bodyLength..]);
        if (span.Length != bodyLength + 2 + signatureLength)
        {
            throw new InvalidDataException("The update signature is truncated or followed by extra bytes.");
        }

        var update = new HeadUpdate(
            Encoding.UTF8.GetString(span.Slice(7, nodeLength)),
            BinaryPrimitives.ReadInt64LittleEndian(span[at..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[(at + 8)..]),
            BinaryPrimitives.ReadInt32LittleEndian(span[(at + 16)..]),
            BinaryPrimitives.ReadSingleLittleEndian(span[(at + 20)..]),
            (DeltaCodec)span[at + 24],
            BinaryPrimitives.ReadInt32LittleEndian(span[(at + 25)..]),
            message.Slice(at + 33, payloadLength));
        if (scoreLength > 0)
        {
            var s = span[(at + 33 + payloadLength)..];
            update = update with { Validation = new ValidationScore(BinaryPrimitives.ReadInt32LittleEndian(s), BinaryPrimitives.ReadInt32LittleEndian(s[4..]), BinaryPrimitives.ReadInt32LittleEndian(s[8..])) };
        }

        return new SignedHeadUpdate(update, message[..(int)bodyLength], message.Slice((int)bodyLength + 2, signatureLength));
    }
}
