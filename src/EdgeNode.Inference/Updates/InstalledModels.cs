using System.Text.Json;
using EdgeNode.Common;
using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// Installed models on disk: one directory per model (<c>{name}-{version}-{sha256[..12]}/</c> with <c>model.onnx</c> and the
/// signed <c>manifest.json</c>), <c>state.json</c> naming the active and previous model, and <c>.incoming/</c> for
/// transfers in progress. Everything is written atomically (temp file, fsync, rename). Installed models keep the
/// pre-processing of the packaged model; only the backbone changes.
/// </summary>
public sealed class InstalledModels
{
    private const string StateFileName = "state.json";
    private const string ModelFileName = "model.onnx";
    private const string ManifestFileName = "manifest.json";
    private const string IncomingName = ".incoming";

    private readonly InferenceOptions _inference;
    private readonly ILogger _logger;
    private readonly Lazy<ModelManifest> _packaged;

    /// <summary>Installed models live in <paramref name="directory"/>; the packaged ones where <paramref name="inference"/> says.</summary>
    public InstalledModels(string directory, InferenceOptions inference, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = System.IO.Path.GetFullPath(directory);
        _inference = inference ?? throw new ArgumentNullException(nameof(inference));
        _logger = logger;
        PackagedDirectory = OnnxInferenceEngine.ResolveModelsPath(inference.ModelsPath);
        _packaged = new Lazy<ModelManifest>(() => ModelManifest.Load(PackagedDirectory));
    }

    /// <summary>The installed models' directory.</summary>
    public string Directory { get; }

    /// <summary>The packaged models' directory (<c>EdgeNode:Inference:ModelsPath</c>).</summary>
    public string PackagedDirectory { get; }

    /// <summary>
    /// The packaged entry whose pre-processing every model uses: the configured <c>EdgeNode:Inference:Model</c>, else
    /// the first entry. Its input tensor shape is the one every model must take.
    /// </summary>
    public ModelEntry BaseEntry => string.IsNullOrWhiteSpace(_inference.Model) ? _packaged.Value.Models[0] : _packaged.Value.Get(_inference.Model);

    /// <summary>
    /// Loads the model to start on: the active one of <c>state.json</c> (its SHA-256 checked against its manifest);
    /// when there is none, or it is missing or corrupt, the packaged model as configured. Leftovers of interrupted
    /// installs and transfers are deleted.
    /// </summary>
    /// <exception cref="ModelLoadException">Not even the packaged model loads.</exception>
    public (OnnxInferenceEngine Engine, ModelState State) LoadAtStart()
    {
        var saved = ReadState();
        Prune(saved, transfers: true);
        if (saved is not null)
        {
            try
            {
                return (Load(saved.Active, warmUp: true), saved);
            }
            catch (Exception ex) when (ex is ModelLoadException or ModelUpdateException or IOException or UnauthorizedAccessException)
            {
                Log.InstalledModelUnusable(_logger, saved.Active.Name, ex.Message);
            }
        }

        var engine = OnnxInferenceEngine.Load(_inference, _logger);
        return (engine, new ModelState(new ModelRef(ModelInfo.Packaged, engine.Model.Id), saved?.Previous, saved?.Highest));
    }

    /// <summary>Loads <paramref name="model"/> (its file's SHA-256 checked); warms it up when <paramref name="warmUp"/>.</summary>
    /// <exception cref="ModelLoadException">Missing, corrupt, or not loadable.</exception>
    /// <exception cref="ModelUpdateException">An installed model whose manifest is unreadable.</exception>
    public OnnxInferenceEngine Load(ModelRef model, bool warmUp)
    {
        ArgumentNullException.ThrowIfNull(model);
        return OnnxInferenceEngine.Load(PackagedDirectory, EntryOf(model), _inference, _logger, warmUp);
    }

    /// <summary><paramref name="model"/> as its manifest describes it, not loaded (an empty SHA-256 when it is unreadable).</summary>
    public ModelInfo Describe(ModelRef model)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return EntryOf(model).Describe(executionProvider: string.Empty);
        }
        catch (Exception ex) when (ex is ModelUpdateException or ModelLoadException or IOException or UnauthorizedAccessException)
        {
            return new ModelInfo(model.Name, string.Empty, string.Empty, 0, null, model.Source);
        }
    }

    /// <summary>The signed manifest an installed model was installed with.</summary>
    /// <exception cref="ModelUpdateException">Missing or unreadable.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public SignedManifest ReadManifest(ModelRef installed)
    {
        ArgumentNullException.ThrowIfNull(installed);
        var path = System.IO.Path.Combine(PathOf(installed), ManifestFileName);
        if (!File.Exists(path))
        {
            throw new ModelUpdateException(ModelUpdateErrors.StorageFailed, $"The installed model '{installed.Name}' has no {ManifestFileName}.");
        }

        return SignedManifest.Parse(File.ReadAllBytes(path));
    }

    /// <summary>Where <paramref name="manifest"/>'s model is (or will be) installed.</summary>
    public static ModelRef RefFor(UpdateManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new ModelRef(ModelInfo.Installed, $"{manifest.Name}-{manifest.Version}-{manifest.Sha256[..12]}");
    }

    /// <summary>Copies <paramref name="source"/> into the model's directory, then its update manifest, each atomically.</summary>
    /// <exception cref="IOException">The disk refused.</exception>
    public async Task<ModelRef> InstallAsync(SignedManifest update, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        var model = RefFor(update.Manifest);
        var directory = PathOf(model);
        System.IO.Directory.CreateDirectory(directory);
        await AtomicFile.WriteAsync(
            System.IO.Path.Combine(directory, ModelFileName),
            async (target, ct) =>
            {
                await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await input.CopyToAsync(target, ct);
            },
            cancellationToken);
        await AtomicFile.WriteAsync(System.IO.Path.Combine(directory, ManifestFileName), update.ToJson(), cancellationToken);
        return model;
    }

    /// <summary>Persists <paramref name="state"/> (atomically).</summary>
    public Task SaveStateAsync(ModelState state, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return AtomicFile.WriteAsync(System.IO.Path.Combine(Directory, StateFileName), JsonSerializer.SerializeToUtf8Bytes(state, ModelStateJsonContext.Default.ModelState), cancellationToken);
    }

    /// <summary>A new path in <c>.incoming/</c> for a transfer's partial file.</summary>
    public string NewTransferPath(string transferId)
    {
        var incoming = System.IO.Path.Combine(Directory, IncomingName);
        System.IO.Directory.CreateDirectory(incoming);
        return System.IO.Path.Combine(incoming, $"{transferId}-{Guid.NewGuid():N}.part");
    }

    /// <summary>Deletes every installed model that <paramref name="keep"/> does not name (all when null), and with <paramref name="transfers"/> every partial transfer.</summary>
    public void Prune(ModelState? keep, bool transfers)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        foreach (var directory in System.IO.Directory.GetDirectories(Directory))
        {
            var name = System.IO.Path.GetFileName(directory);
            var kept = name == IncomingName ? !transfers : IsNamed(keep?.Active, name) || IsNamed(keep?.Previous, name);
            if (!kept)
            {
                TryDelete(directory);
            }
        }
    }

    /// <summary>Deletes an installed model's directory (a model that failed after it was written).</summary>
    public void Remove(ModelRef model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.IsInstalled)
        {
            TryDelete(PathOf(model));
        }
    }

    private ModelEntry EntryOf(ModelRef model) => model.IsInstalled
        ? ReadManifest(model).Manifest.ToEntry(System.IO.Path.Combine(PathOf(model), ModelFileName), BaseEntry.Preprocessing)
        : _packaged.Value.Get(model.Name);

    private static bool IsValid(ModelRef? model) => model is { Source: ModelInfo.Packaged or ModelInfo.Installed, Name.Length: > 0 };

    private static bool IsNamed(ModelRef? model, string directoryName) => model is { IsInstalled: true } && model.Name == directoryName;

    private string PathOf(ModelRef installed)
    {
        // The name comes from state.json or a validated manifest; never let it leave the directory.
        if (installed.Name.Contains('/', StringComparison.Ordinal) || installed.Name.StartsWith('.'))
        {
            throw new ModelUpdateException(ModelUpdateErrors.StorageFailed, $"'{installed.Name}' is not an installed model's directory name.");
        }

        return System.IO.Path.Combine(Directory, installed.Name);
    }

    private ModelState? ReadState()
    {
        var path = System.IO.Path.Combine(Directory, StateFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize(File.ReadAllBytes(path), ModelStateJsonContext.Default.ModelState);
            if (!IsValid(state?.Active))
            {
                throw new JsonException("It names no valid active model.");
            }

            return state! with { Previous = IsValid(state.Previous) ? state.Previous : null };
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            Log.ModelStateUnreadable(_logger, path, ex.Message);
            return null;
        }
    }

    private void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.ModelDeleteFailed(_logger, directory, ex.Message);
        }
    }
}
