using System.Security.Cryptography;

namespace EdgeNode.Common;

/// <summary>
/// Puts chunked messages back together. Bounded: at most <c>maxPending</c> incomplete messages (the oldest is
/// dropped) and <c>maxMessageBytes</c> per message; incomplete messages hold at most <c>maxTotalBytes</c> in all and
/// <c>maxSenderBytes</c> per sender (a new message past either is refused, the transfers already open are kept), and
/// one that received no chunk for <c>idleTimeout</c> (monotonic clock) is dropped. A reassembled message must match
/// its id (SHA-256 prefix).
/// </summary>
public sealed class ChunkAssembler(
    int maxPending = 256,
    int maxMessageBytes = 16 << 20,
    long maxTotalBytes = 64L << 20,
    long maxSenderBytes = 32L << 20,
    TimeSpan? idleTimeout = null,
    TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _idle = idleTimeout ?? TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, (byte[] Buffer, bool[] Seen, int Missing, string Sender, long Touched)> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _gate = new();

    /// <summary>Bytes held by incomplete messages.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_gate)
            {
                return _pending.Values.Sum(e => (long)e.Buffer.Length);
            }
        }
    }

    /// <summary>Adds a chunk from an unnamed sender; see <see cref="Add(ReadOnlySpan{byte}, string)"/>.</summary>
    public byte[]? Add(ReadOnlySpan<byte> chunk) => Add(chunk, string.Empty);

    /// <summary>Adds a chunk from <paramref name="sender"/> (e.g. the node id of the topic); returns the whole message when this chunk completed it, else null.</summary>
    /// <exception cref="InvalidDataException">Malformed, oversized, over the total or per-sender bound, or inconsistent with earlier chunks of the same id.</exception>
    public byte[]? Add(ReadOnlySpan<byte> chunk, string sender)
    {
        ArgumentNullException.ThrowIfNull(sender);
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
            var now = _time.GetTimestamp();
            ExpireIdle(now);

            // Per sender: another sender's chunk under the same id (ids are public hashes) never lands in this one's buffer.
            var key = sender + "\n" + header.MessageId;
            if (!_pending.TryGetValue(key, out var entry))
            {
                // Checked before the buffer exists; others' transfers are never evicted to make room.
                var total = _pending.Values.Sum(e => (long)e.Buffer.Length);
                var own = _pending.Values.Where(e => e.Sender == sender).Sum(e => (long)e.Buffer.Length);
                if (total + header.TotalLength > maxTotalBytes || own + header.TotalLength > maxSenderBytes)
                {
                    throw new InvalidDataException($"A chunked message of {header.TotalLength} bytes would exceed the bound on incomplete messages ({maxSenderBytes} bytes per sender, {maxTotalBytes} in all); refused.");
                }

                entry = (new byte[header.TotalLength], new bool[header.Count], header.Count, sender, now);
                _pending[key] = entry;
                _order.Enqueue(key);
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
            entry.Touched = now;
            _pending[key] = entry;
            if (entry.Missing > 0)
            {
                return null;
            }

            _pending.Remove(key);
            return Complete(header, entry.Buffer);
        }
    }

    private void ExpireIdle(long now)
    {
        foreach (var id in _pending.Where(p => _time.GetElapsedTime(p.Value.Touched, now) > _idle).Select(p => p.Key).ToList())
        {
            _pending.Remove(id);
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
