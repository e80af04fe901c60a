using System.Globalization;
using System.Text;
using EdgeNode.Common;

namespace EdgeNode.Aggregation;

/// <summary>
/// The aggregator's state on disk: <c>global.bin</c> (the current global head message) and
/// <c>round-{n}/{node}.upd</c> (each accepted update of the open round, as received). Every file is written
/// atomically (temp, fsync, rename) before the update is acknowledged, so a crash mid-round loses nothing.
/// </summary>
internal sealed class RoundStore
{
    private readonly string _root;

    public RoundStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    private string GlobalPath => Path.Combine(_root, "global.bin");

    public byte[]? LoadGlobal() => File.Exists(GlobalPath) ? File.ReadAllBytes(GlobalPath) : null;

    public Task SaveGlobalAsync(byte[] message, CancellationToken cancellationToken) => AtomicFile.WriteAsync(GlobalPath, message, cancellationToken);

    /// <summary>Writes <paramref name="node"/>'s update of <paramref name="round"/>; false when one is already there.</summary>
    public async Task<bool> TrySaveUpdateAsync(long round, string node, byte[] message, CancellationToken cancellationToken)
    {
        var directory = RoundDirectory(round);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, Convert.ToHexStringLower(Encoding.UTF8.GetBytes(node)) + ".upd");
        if (File.Exists(path))
        {
            return false;
        }

        await AtomicFile.WriteAsync(path, message, cancellationToken);
        return true;
    }

    public IEnumerable<byte[]> LoadUpdates(long round)
    {
        var directory = RoundDirectory(round);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.upd").Order(StringComparer.Ordinal).Select(File.ReadAllBytes)
            : [];
    }

    /// <summary>Deletes the folders of rounds before <paramref name="round"/> (after the global that closed them is saved).</summary>
    public void DeleteRoundsBefore(long round)
    {
        foreach (var directory in Directory.GetDirectories(_root, "round-*"))
        {
            if (long.TryParse(Path.GetFileName(directory).AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r < round)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The last round each node had an update accepted in (<c>accepted-rounds.json</c>), empty when none.</summary>
    public Dictionary<string, long> LoadAcceptedRounds()
    {
        var path = AcceptedPath;
        return File.Exists(path)
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, long>>(File.ReadAllBytes(path)) ?? new Dictionary<string, long>(StringComparer.Ordinal)
            : new Dictionary<string, long>(StringComparer.Ordinal);
    }

    /// <summary>Persists <paramref name="rounds"/> (before the update they record is acknowledged).</summary>
    public Task SaveAcceptedRoundsAsync(IReadOnlyDictionary<string, long> rounds, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(AcceptedPath, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(rounds), cancellationToken);

    private string AcceptedPath => Path.Combine(_root, "accepted-rounds.json");

    private string RoundDirectory(long round) => Path.Combine(_root, "round-" + round.ToString(CultureInfo.InvariantCulture));
}
