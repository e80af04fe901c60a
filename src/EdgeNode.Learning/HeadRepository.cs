using System.Globalization;
using EdgeNode.Common;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Learning;

/// <summary>
/// Versioned heads on disk: <c>head-000001.bin</c>, <c>head-000002.bin</c>, … (each written atomically) and an
/// <c>active</c> file naming the version in use. Keeps the last <see cref="Keep"/> versions, so a bad head can be
/// rolled back, and a corrupt active head falls back to the newest older one that loads.
/// </summary>
public sealed partial class HeadRepository
{
    private const string ActiveFile = "active";
    private readonly ILogger _logger;

    /// <summary>Creates a repository in <paramref name="directory"/> (created when missing).</summary>
    public HeadRepository(string directory, ILogger logger, int keep = 5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 2);
        Directory = directory;
        Keep = keep;
        _logger = logger;
        System.IO.Directory.CreateDirectory(directory);
    }

    /// <summary>Where the heads are.</summary>
    public string Directory { get; }

    /// <summary>Versions kept on disk.</summary>
    public int Keep { get; }

    /// <summary>The version numbers present on disk, ascending.</summary>
    public IReadOnlyList<int> Versions() =>
        System.IO.Directory.GetFiles(Directory, "head-*.bin")
            .Select(f => int.TryParse(Path.GetFileNameWithoutExtension(f)[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .Where(v => v > 0)
            .Order()
            .ToList();

    /// <summary>The next unused version number.</summary>
    public int NextVersion() => Versions().DefaultIfEmpty(0).Max() + 1;

    /// <summary>Writes <paramref name="head"/> as version <see cref="HeadInfo.Version"/>, makes it active and prunes old versions.</summary>
    public async Task SaveAsync(HeadModel head, HeadInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(info);
        await AtomicFile.WriteAsync(PathOf(info.Version), HeadSerializer.Serialize(head, info), cancellationToken);
        await SetActiveAsync(info.Version, cancellationToken);
        foreach (var old in Versions().SkipLast(Keep))
        {
            File.Delete(PathOf(old));
        }
    }

    /// <summary>
    /// Loads the active head; when it is missing or corrupt, logs why and falls back to the newest older
    /// version that loads (and makes it active). Null when no head loads.
    /// </summary>
    public async Task<(HeadModel Head, HeadInfo Info)?> LoadActiveAsync(CancellationToken cancellationToken)
    {
        var versions = Versions();
        if (versions.Count == 0)
        {
            return null;
        }

        var active = await ReadActiveAsync(cancellationToken) ?? versions[^1];
        foreach (var version in versions.Where(v => v <= active).Reverse())
        {
            var loaded = await TryLoadAsync(version, cancellationToken);
            if (loaded is not null)
            {
                if (version != active)
                {
                    LogFellBack(_logger, active, version);
                    await SetActiveAsync(version, cancellationToken);
                }

                return loaded;
            }
        }

        LogNoUsableHead(_logger, Directory);
        return null;
    }

    /// <summary>Makes the newest version older than the active one active again; null (and nothing changed) when there is none that loads.</summary>
    public async Task<(HeadModel Head, HeadInfo Info)?> RollbackAsync(CancellationToken cancellationToken)
    {
        var versions = Versions();
        var active = await ReadActiveAsync(cancellationToken) ?? versions.DefaultIfEmpty(0).Max();
        foreach (var version in versions.Where(v => v < active).Reverse())
        {
            var loaded = await TryLoadAsync(version, cancellationToken);
            if (loaded is not null)
            {
                await SetActiveAsync(version, cancellationToken);
                return loaded;
            }
        }

        return null;
    }

    /// <summary>Loads version <paramref name="version"/> without changing which is active; null when it is missing or does not load.</summary>
    public Task<(HeadModel Head, HeadInfo Info)?> LoadVersionAsync(int version, CancellationToken cancellationToken) => TryLoadAsync(version, cancellationToken);

    private string PathOf(int version) => Path.Combine(Directory, "head-" + version.ToString("D6", CultureInfo.InvariantCulture) + ".bin");

    private async Task<(HeadModel, HeadInfo)?> TryLoadAsync(int version, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await File.ReadAllBytesAsync(PathOf(version), cancellationToken);
            return HeadSerializer.Deserialize(bytes);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            LogUnreadable(_logger, version, ex.Message);
            return null;
        }
    }

    private async Task<int?> ReadActiveAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Directory, ActiveFile);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken);
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    private Task SetActiveAsync(int version, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(Path.Combine(Directory, ActiveFile), System.Text.Encoding.ASCII.GetBytes(version.ToString(CultureInfo.InvariantCulture) + "\n"), cancellationToken);

    [LoggerMessage(1, LogLevel.Error, "Head version {Version} cannot be loaded: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, int version, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Active head version {Active} is unusable; fell back to version {Version}")]
    private static partial void LogFellBack(ILogger logger, int active, int version);

    [LoggerMessage(3, LogLevel.Warning, "No usable head in {Directory}; results carry no label until one is trained")]
    private static partial void LogNoUsableHead(ILogger logger, string directory);
}
