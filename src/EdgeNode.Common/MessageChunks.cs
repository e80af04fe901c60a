using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EdgeNode.Common;

/// <summary>
/// Splits a message into MQTT-sized chunks and frames them: magic <c>EDFC</c>, u8 version, 16-byte message id
/// (SHA-256 prefix of the whole message), u16 index, u16 count, i32 total length, then the chunk's bytes. A message
/// that fits is one chunk, so receivers have one path.
/// </summary>
public static class MessageChunks
{
    /// <summary>Bytes of the chunk header.</summary>
    public const int HeaderLength = 4 + 1 + 16 + 2 + 2 + 4;

    private const int Magic = 0x43464445; // "EDFC"
    private const byte Version = 1;

    /// <summary>Frames <paramref name="message"/> into chunks of at most <paramref name="maxChunkBytes"/> (header included).</summary>
    public static IReadOnlyList<byte[]> Split(ReadOnlySpan<byte> message, int maxChunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChunkBytes, HeaderLength + 1);
        var data = maxChunkBytes - HeaderLength;
        var count = Math.Max(1, (message.Length + data - 1) / data);
        if (count > ushort.MaxValue)
        {
            throw new ArgumentException("The message needs more than 65535 chunks.", nameof(message));
        }

        Span<byte> id = stackalloc byte[32];
        SHA256.HashData(message, id);
        var chunks = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var part = message.Slice(i * data, Math.Min(data, message.Length - (i * data)));
            var chunk = new byte[HeaderLength + part.Length];
            BinaryPrimitives.WriteInt32LittleEndian(chunk, Magic);
            chunk[4] = Version;
            id[..16].CopyTo(chunk.AsSpan(5));
            BinaryPrimitives.WriteUInt16LittleEndian(chunk.AsSpan(21), (ushort)i);
            BinaryPrimitives.WriteUInt16LittleEndian(chunk.AsSpan(23), (ushort)count);
            BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(25), message.Length);
            part.CopyTo(chunk.AsSpan(HeaderLength));
            chunks[i] = chunk;
        }

        return chunks;
    }

    /// <summary>Reads a chunk's header.</summary>
    /// <exception cref="InvalidDataException">Not a chunk.</exception>
    public static ChunkHeader ReadHeader(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < HeaderLength || BinaryPrimitives.ReadInt32LittleEndian(chunk) != Magic || chunk[4] != Version)
        {
            throw new InvalidDataException("Not an EdgeNode update chunk.");
        }

        var header = new ChunkHeader(
            Convert.ToHexStringLower(chunk.Slice(5, 16)),
            BinaryPrimitives.ReadUInt16LittleEndian(chunk[21..]),
            BinaryPrimitives.ReadUInt16LittleEndian(chunk[23..]),
            BinaryPrimitives.ReadInt32LittleEndian(chunk[25..]));
        if (header.Count == 0 || header.Index >= header.Count || header.TotalLength < 0)
        {
            throw new InvalidDataException("The chunk header is inconsistent.");
        }

        return header;
    }
}
