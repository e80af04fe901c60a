using EdgeNode.Common;
using Microsoft.Win32.SafeHandles;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// One model arriving in chunks (the <see cref="MessageChunks"/> framing) into a pre-sized file. The sender chose the
/// chunk size at <c>begin</c>, so each chunk's place and length are known: chunks may arrive in any order, a duplicate
/// is ignored, and a chunk of another transfer or of the wrong length is refused. Not thread-safe; the caller locks.
/// </summary>
public sealed class ModelTransfer : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly bool[] _received;
    private bool _detached;

    /// <summary>Creates the file at <paramref name="path"/> (it must not exist) for <paramref name="update"/>'s model.</summary>
    /// <exception cref="ModelUpdateException"><c>invalid_argument</c>: more than 65535 chunks at this chunk size.</exception>
    public ModelTransfer(SignedManifest update, string keyId, string path, int chunkSize, long now)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        var size = update.Manifest.Size;
        var count = (size + chunkSize - 1) / chunkSize;
        if (count > ushort.MaxValue || size > int.MaxValue)
        {
            throw new ModelUpdateException($"A {size}-byte model in {chunkSize}-byte chunks needs {count} chunks; at most {ushort.MaxValue} are possible: use bigger chunks.");
        }

        Update = update;
        KeyId = keyId;
        Path = path;
        ChunkSize = chunkSize;
        ChunkCount = (int)count;
        LastActivity = now;
        _received = new bool[ChunkCount];
        _file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, size);
    }

    /// <summary>The transfer id (first 32 hex digits of the model's SHA-256).</summary>
    public string Id => Update.Manifest.TransferId;

    /// <summary>The verified manifest.</summary>
    public SignedManifest Update { get; }

    /// <summary>The trusted key that signed it.</summary>
    public string KeyId { get; }

    /// <summary>The file the chunks are written to.</summary>
    public string Path { get; }

    /// <summary>Bytes per chunk (the last one may be shorter).</summary>
    public int ChunkSize { get; }

    /// <summary>Chunks in the whole model.</summary>
    public int ChunkCount { get; }

    /// <summary>Distinct chunks received.</summary>
    public int Received { get; private set; }

    /// <summary>Chunks refused (wrong transfer, length or header).</summary>
    public int Rejected { get; private set; }

    /// <summary>When the transfer last made progress (begin or an accepted chunk), as a monotonic <see cref="TimeProvider.GetTimestamp"/>: a wall-clock jump neither expires nor keeps it.</summary>
    public long LastActivity { get; private set; }

    /// <summary>True when every chunk arrived.</summary>
    public bool IsComplete => Received == ChunkCount;

    /// <summary>Writes one framed chunk; false when it was a duplicate.</summary>
    /// <exception cref="InvalidDataException">Not a chunk of this transfer, or of the wrong length (counted in <see cref="Rejected"/>).</exception>
    public bool Add(ReadOnlySpan<byte> message, long now)
    {
        ObjectDisposedException.ThrowIf(_detached || _file.IsClosed, this);
        try
        {
            var header = MessageChunks.ReadHeader(message);
            if (header.MessageId != Id || header.Count != ChunkCount || header.TotalLength != Update.Manifest.Size)
            {
                throw new InvalidDataException($"The chunk belongs to another transfer ({header.MessageId}, {header.Count} chunks, {header.TotalLength} bytes).");
            }

            var data = message[MessageChunks.HeaderLength..];
            var offset = (long)header.Index * ChunkSize;
            var expected = (int)Math.Min(ChunkSize, Update.Manifest.Size - offset);
            if (data.Length != expected)
            {
                throw new InvalidDataException($"Chunk {header.Index} has {data.Length} bytes; {expected} expected.");
            }

            if (_received[header.Index])
            {
                return false;
            }

            RandomAccess.Write(_file, data, offset);
            _received[header.Index] = true;
            Received++;
            LastActivity = now;
            return true;
        }
        catch (InvalidDataException)
        {
            Rejected++;
            throw;
        }
    }

    /// <summary>The indices of chunks not received yet, at most <paramref name="max"/>, ascending.</summary>
    public IReadOnlyList<int> Missing(int max)
    {
        var missing = new List<int>(Math.Min(max, ChunkCount - Received));
        for (var i = 0; i < _received.Length && missing.Count < max; i++)
        {
            if (!_received[i])
            {
                missing.Add(i);
            }
        }

        return missing;
    }

    /// <summary>Closes the file and leaves it for the installer (which deletes it when done).</summary>
    public string Detach()
    {
        _detached = true;
        _file.Dispose();
        return Path;
    }

    /// <summary>Closes and deletes the partial file (abort, timeout, replaced).</summary>
    public void Dispose()
    {
        _file.Dispose();
        if (!_detached)
        {
            File.Delete(Path);
        }
    }
}
