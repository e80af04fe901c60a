using System.Security.Cryptography;
using System.Text;
using EdgeNode.Common;

namespace EdgeNode.Cli;

/// <summary>
/// Embeddings of image files, cached per backbone hash in one file per folder; an entry is reused while the
/// image's size and modification time are unchanged.
/// </summary>
internal sealed class EmbeddingCache
{
    private const int Magic = 0x43454E45; // "ENEC"
    private readonly string _path;
    private readonly int _dimension;
    private readonly Dictionary<string, (long Length, long Ticks, float[] Embedding)> _entries = new(StringComparer.Ordinal);

    private EmbeddingCache(string path, int dimension)
    {
        _path = path;
        _dimension = dimension;
    }

    public bool Dirty { get; private set; }

    /// <summary>Default cache root: <c>$XDG_CACHE_HOME/edgenode/embeddings</c> or <c>~/.cache/edgenode/embeddings</c>.</summary>
    public static string DefaultRoot()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "edgenode", "embeddings");
    }

    /// <summary>Opens the cache of <paramref name="folder"/>'s embeddings by backbone <paramref name="backboneSha256"/>; a missing or unreadable file starts empty.</summary>
    public static EmbeddingCache Open(string root, string backboneSha256, string folder, int dimension)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(folder))))[..16];
        var cache = new EmbeddingCache(Path.Combine(root, backboneSha256[..16], key + ".bin"), dimension);
        cache.TryLoad();
        return cache;
    }

    public bool TryGet(string file, out float[] embedding)
    {
        var info = new FileInfo(file);
        if (_entries.TryGetValue(file, out var entry) && entry.Length == info.Length && entry.Ticks == info.LastWriteTimeUtc.Ticks)
        {
            embedding = entry.Embedding;
            return true;
        }

        embedding = [];
        return false;
    }

    public void Put(string file, float[] embedding)
    {
        var info = new FileInfo(file);
        _entries[file] = (info.Length, info.LastWriteTimeUtc.Ticks, embedding);
        Dirty = true;
    }

    /// <summary>Writes the cache (temp file, then rename) when it changed.</summary>
    public void Save()
    {
        if (!Dirty)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        AtomicFile.Write(_path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(_dimension);
            writer.Write(_entries.Count);
            foreach (var (file, (length, ticks, embedding)) in _entries)
            {
                writer.Write(file);
                writer.Write(length);
                writer.Write(ticks);
                foreach (var value in embedding)
                {
                    writer.Write(value);
                }
            }
        });
        Dirty = false;
    }

    private void TryLoad()
    {
        if (!File.Exists(_path))
        {
            return;
        }

        try
        {
            using var reader = new BinaryReader(File.OpenRead(_path));
            if (reader.ReadInt32() != Magic || reader.ReadInt32() != _dimension)
            {
                return;
            }

            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var file = reader.ReadString();
                var length = reader.ReadInt64();
                var ticks = reader.ReadInt64();
                var embedding = new float[_dimension];
                for (var j = 0; j < _dimension; j++)
                {
                    embedding[j] = reader.ReadSingle();
                }

                _entries[file] = (length, ticks, embedding);
            }
        }
        catch (EndOfStreamException)
        {
            // A truncated cache is rebuilt.
            _entries.Clear();
        }
    }
}
