using System.Security.Cryptography;

namespace EdgeNode.Common;

/// <summary>
/// Puts chunked messages back together. Bounded: at most <c>maxPending</c> incomplete messages (the oldest is
/// dropped) and <c>maxMessageBytes</c> per message; a reassembled message must match its id (SHA-256 prefix).
/// </summary>
public sealed class ChunkAssembler(int maxPending = 256, int maxMessageBytes = 16 << 20)
{
    private readonly Dictionary<string, (byte[] Buffer, bool[] Seen, int Missing)> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _gate = new();

    /// <summary>Adds a chunk; returns the whole message when this chunk completed it, else null.</summary>
    /// <exception cref="InvalidDataException">Malformed, oversized, or inconsistent with earlier chunks of the same id.</exception>
    public byte[]? Add(ReadOnlySpan<byte> chunk)
    {
        var header = MessageChunks.ReadHeader(chunk);
        if (header.TotalLength > maxMessageBytes)
        {
            throw new InvalidDataException($"A chunked message of {header.TotalLength} bytes exceeds the {maxMessageBytes}-byte limit.");
        }

        var data = chunk[MessageChunks.HeaderLength..];
        if (header.Count == 1)
        {
            return data.Length == header.TotalLength ? Complete(header, data.ToArray()) : throw new InvalidDataException("A single chunk's length does not match its header.");
        }

        lock (_gate)
        {
            if (!_pending.TryGetValue(header.MessageId, out var entry))
            {
                entry = (new byte[header.TotalLength], new bool[header.Count], header.Count);
                _pending[header.MessageId] = entry;
                _order.Enqueue(header.MessageId);
                while (_order.Count > maxPending)
                {
                    _pending.Remove(_order.Dequeue());
                }
            }

            if (entry.Seen.Length != header.Count || entry.Buffer.Length != header.TotalLength)
            {
                throw new InvalidDataException("A chunk disagrees with earlier chunks of the same message.");
            }

            if (entry.Seen[header.Index])
            {
                return null; // Redelivery.
            }

            // Every chunk but the last carries the same number of bytes; the last one ends the message.
            var offset = header.Index == header.Count - 1 ? (long)header.TotalLength - data.Length : (long)header.Index * data.Length;
            if (offset < 0 || offset + data.Length > header.TotalLength)
            {
                throw new InvalidDataException("A chunk lies outside its message.");
            }

            data.CopyTo(entry.Buffer.AsSpan((int)offset));
            entry.Seen[header.Index] = true;
            entry.Missing--;
            _pending[header.MessageId] = entry;
            if (entry.Missing > 0)
            {
                return null;
            }

            _pending.Remove(header.MessageId);
            return Complete(header, entry.Buffer);
        }
    }

    private static byte[] Complete(ChunkHeader header, byte[] message)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(message, hash);
        return Convert.ToHexStringLower(hash[..16]) == header.MessageId
            ? message
            : throw new InvalidDataException("A reassembled message does not match its id.");
    }
}
