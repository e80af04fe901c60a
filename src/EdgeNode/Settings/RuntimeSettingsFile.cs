using EdgeNode.Common;

namespace EdgeNode.Settings;

/// <summary>
/// The settings changed by the <c>config</c> command, persisted as <c>runtime-settings.json</c> next to the
/// database (nested like appsettings.json) and added as the last configuration source, so they win over
/// appsettings.json, the environment and the command line, at every start.
/// </summary>
internal sealed class RuntimeSettingsFile(string path) : IDisposable
{
    /// <summary>File name next to the database.</summary>
    public const string FileName = "runtime-settings.json";

    private readonly SemaphoreSlim _update = new(1, 1);

    /// <summary>Full path of the file.</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The file for a database at <paramref name="databasePath"/>.</summary>
    public static RuntimeSettingsFile NextTo(string databasePath) =>
        new(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(databasePath)) ?? ".", FileName));

    /// <summary>
    /// Adds the file as a configuration source. A file the configuration would refuse (not JSON, not an object, a key
    /// twice) is moved aside whole (<c>.damaged</c>) rather than stopping the node at every start.
    /// </summary>
    public void AddTo(IConfigurationBuilder configuration)
    {
        if (File.Exists(Path) && !Loads(Path))
        {
            File.Move(Path, Path + ".damaged", overwrite: true);
        }

        configuration.AddJsonFile(Path, optional: true, reloadOnChange: false);
    }

    /// <summary>The persisted overrides as flat keys under <c>EdgeNode:</c>.</summary>
    public Dictionary<string, JsonNode> Read()
    {
        var flat = new Dictionary<string, JsonNode>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(Path) || JsonNode.Parse(File.ReadAllText(Path)) is not JsonObject root || root["EdgeNode"] is not JsonObject node)
        {
            return flat;
        }

        foreach (var (section, settings) in node)
        {
            if (settings is JsonObject values)
            {
                foreach (var (name, value) in values)
                {
                    if (value is not null)
                    {
                        flat[section + ":" + name] = value.DeepClone();
                    }
                }
            }
        }

        return flat;
    }

    private static bool Loads(string path)
    {
        try
        {
            // The provider's own rules (comments and trailing commas allowed, leaf keys unique ignoring case), then
            // Read's: an object named twice (merged by the provider) fails when its members are first enumerated.
            new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject root && Enumerates(root);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or JsonException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private static bool Enumerates(JsonNode? node) => node switch
    {
        JsonObject o => o.All(p => Enumerates(p.Value)),
        JsonArray a => a.All(Enumerates),
        _ => true,
    };

    /// <summary>Read, change, write as one step: the config command and the web page may change settings at the same time.</summary>
    public async Task UpdateAsync(Action<Dictionary<string, JsonNode>> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        await _update.WaitAsync(cancellationToken);
        try
        {
            var flat = Read();
            change(flat);
            await WriteAsync(flat, cancellationToken);
        }
        finally
        {
            _update.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _update.Dispose();

    /// <summary>Writes <paramref name="flat"/> atomically (temporary file, flush to disk, rename).</summary>
    public async Task WriteAsync(IReadOnlyDictionary<string, JsonNode> flat, CancellationToken cancellationToken)
    {
        var node = new JsonObject();
        foreach (var (key, value) in flat.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var split = key.IndexOf(':', StringComparison.Ordinal);
            var section = key[..split];
            if (node[section] is not JsonObject values)
            {
                values = [];
                node[section] = values;
            }

            values[key[(split + 1)..]] = value.DeepClone();
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await AtomicFile.WriteAsync(Path, (stream, ct) => JsonSerializer.SerializeAsync(stream, new JsonObject { ["EdgeNode"] = node }, RuntimeSettingsJson.Default.JsonObject, ct), cancellationToken);
    }
}
