using Microsoft.Extensions.Logging;

namespace EdgeNode.Storage;

/// <summary>
/// Databases moved aside as damaged (<c>edgenode.db.corrupt-{UTC time}</c> with its <c>-wal</c>/<c>-shm</c>/<c>-journal</c>)
/// are kept for inspection, the newest <see cref="Keep"/> only: a board that corrupts its card again and again would
/// otherwise fill it with copies.
/// </summary>
internal static class CorruptCopies
{
    /// <summary>Copies kept, the newest by name (the UTC time in the name sorts as text).</summary>
    public const int Keep = 3;

    private static readonly string[] Suffixes = ["", "-wal", "-shm", "-journal"];

    /// <summary>Deletes all but the newest <see cref="Keep"/> copies of <paramref name="path"/>.</summary>
    public static void Prune(string path, ILogger logger)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var prefix = Path.GetFileName(path) + ".corrupt-";
        var copies = Directory.EnumerateFiles(directory, prefix + "*")
            .Where(f => !Suffixes.Skip(1).Any(s => f.EndsWith(s, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var old in copies.Take(Math.Max(0, copies.Count - Keep)))
        {
            try
            {
                foreach (var suffix in Suffixes)
                {
                    File.Delete(old + suffix);
                }

                Log.CorruptCopyDeleted(logger, old, Keep);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Kept: cleaning is best effort and never stops the start.
                Log.CorruptCopyNotDeleted(logger, old, ex.Message);
            }
        }
    }
}
