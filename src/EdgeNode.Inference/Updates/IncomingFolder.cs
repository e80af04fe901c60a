namespace EdgeNode.Inference.Updates;

/// <summary>
/// The one folder an <c>install</c> reads from (<c>{data}/incoming/</c>): a path anywhere else is refused before the
/// file system is asked anything about it, so a reply never tells whether a file outside exists, nor its size or
/// hash. Links below the folder are not followed (one would lead back outside).
/// </summary>
public sealed class IncomingFolder
{
    /// <summary>Installs read from <paramref name="directory"/> (made absolute).</summary>
    public IncomingFolder(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
    }

    /// <summary>The folder, absolute.</summary>
    public string Directory { get; }

    /// <summary>The file <paramref name="path"/> names: relative to the folder, or absolute inside it.</summary>
    /// <exception cref="ModelUpdateException"><c>path_not_allowed</c> (outside, or through a link), <c>file_not_found</c> (inside, no such regular file).</exception>
    public string Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Directory, path));
        if (!full.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal) || path.Contains('\0', StringComparison.Ordinal))
        {
            throw new ModelUpdateException(ModelUpdateErrors.PathNotAllowed, $"'{path}' is not in {Directory}: install reads only files copied into the node's incoming/ folder.");
        }

        var step = Directory;
        foreach (var part in full[(Directory.Length + 1)..].Split(Path.DirectorySeparatorChar))
        {
            step = Path.Combine(step, part);
            if (new FileInfo(step).LinkTarget is not null)
            {
                throw new ModelUpdateException(ModelUpdateErrors.PathNotAllowed, $"'{path}' goes through a link in {Directory}; links are not followed (copy the file itself).");
            }
        }

        return File.Exists(full)
            ? full
            : throw new ModelUpdateException(ModelUpdateErrors.FileNotFound, $"'{path}' is not a file in {Directory}.");
    }
}
