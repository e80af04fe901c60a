using System.Diagnostics;
using EdgeNode.Common;
using EdgeNode.Core;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference;

/// <summary>
/// The backbone: one <see cref="InferenceSession"/> per model, created once, verified against the
/// manifest, warmed up, and run with pre-allocated input and output tensors.
/// </summary>
public sealed class OnnxInferenceEngine : IInferenceEngine, IDisposable
{
    private readonly InferenceSession _session;
    private readonly ImagePreprocessor _preprocessor;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly Lock _gate = new();

    private OnnxInferenceEngine(InferenceSession session, ModelEntry entry, ImagePreprocessor preprocessor, ModelInfo model)
    {
        _session = session;
        _preprocessor = preprocessor;
        Model = model;
        _input = new float[entry.Input.ElementCount];
        _output = new float[entry.Output.ElementCount];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, entry.Input.Shape.Select(d => (long)d).ToArray());
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, entry.Output.Shape.Select(d => (long)d).ToArray());
        _inputNames = [entry.Input.Name];
        _outputNames = [entry.Output.Name];
    }

    /// <inheritdoc />
    public ModelInfo Model { get; }

    /// <summary>The pre-processor matching this model.</summary>
    public ImagePreprocessor Preprocessor => _preprocessor;

    /// <summary>
    /// Loads the configured model (or the first usable one in the manifest), checking its SHA-256 and
    /// tensor names and shapes against the manifest, then warms it up.
    /// </summary>
    /// <exception cref="ModelLoadException">No usable model.</exception>
    public static OnnxInferenceEngine Load(InferenceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = ResolveModelsPath(options.ModelsPath);
        var manifest = ModelManifest.Load(directory);
        if (!string.IsNullOrWhiteSpace(options.Model))
        {
            return Load(directory, manifest.Get(options.Model), options, logger);
        }

        var failures = new List<string>();
        foreach (var entry in manifest.Models)
        {
            try
            {
                return Load(directory, entry, options, logger);
            }
            catch (ModelLoadException ex)
            {
                Log.ModelSkipped(logger, entry.Id, ex.Message);
                failures.Add($"{entry.Id}: {ex.Message}");
            }
        }

        throw new ModelLoadException($"No model in '{directory}' could be loaded. {string.Join(" ", failures)}");
    }

    /// <summary>Loads one manifest entry and, when <paramref name="warmUp"/>, runs <see cref="InferenceOptions.WarmupRuns"/> warm-up runs.</summary>
    /// <exception cref="ModelLoadException">Missing file, hash mismatch, tensors that differ from the manifest, or a failed warm-up.</exception>
    public static OnnxInferenceEngine Load(string directory, ModelEntry entry, InferenceOptions options, ILogger logger, bool warmUp = true)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var path = Path.Combine(directory, entry.File);
        VerifyFile(path, entry.Sha256, entry.Id);
        var meanPath = Path.Combine(directory, entry.Preprocessing.MeanModel);
        VerifyFile(meanPath, entry.Preprocessing.MeanModelSha256, entry.Preprocessing.MeanModel);

        var (session, provider) = NodeSessionFactory.Open(path, options, logger);

        OnnxInferenceEngine engine;
        try
        {
            CheckTensor(session.InputMetadata, entry.Input, "input", entry.Id);
            CheckTensor(session.OutputMetadata, entry.Output, "output", entry.Id);
            var size = entry.Preprocessing.Size;
            var preprocessor = new ImagePreprocessor(size, MeanImage.FromPreprocessModel(meanPath, size), entry.Preprocessing.ChannelOrder == "BGR", entry.Preprocessing.Range);
            var model = entry.Describe(provider);
            engine = new OnnxInferenceEngine(session, entry, preprocessor, model);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        var loadedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var warm = Stopwatch.GetTimestamp();
        if (warmUp)
        {
            try
            {
                engine.WarmUp(options.WarmupRuns);
            }
            catch
            {
                engine.Dispose();
                throw;
            }
        }

        Log.ModelLoaded(logger, entry.Id, entry.Precision, entry.Sha256[..12], provider, loadedMs, (long)Stopwatch.GetElapsedTime(warm).TotalMilliseconds);
        return engine;
    }

    /// <summary>Resolves a models path relative to the executable's directory when it is not rooted.</summary>
    public static string ResolveModelsPath(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, path));

    /// <inheritdoc />
    public ModelInfo Embed(Frame frame, Span<float> embedding)
    {
        if (embedding.Length < _output.Length)
        {
            throw new ArgumentException($"The embedding needs {_output.Length} floats, got {embedding.Length}.", nameof(embedding));
        }

        lock (_gate)
        {
            _preprocessor.Process(frame, _input);
            RunLocked();
            _output.CopyTo(embedding);
        }

        return Model;
    }

    /// <summary>Runs the model on an already pre-processed tensor (benchmarks, calibration).</summary>
    public void EmbedTensor(ReadOnlySpan<float> tensor, Span<float> embedding)
    {
        lock (_gate)
        {
            tensor.CopyTo(_input);
            RunLocked();
            _output.CopyTo(embedding);
        }
    }

    /// <summary>
    /// Runs the model <paramref name="runs"/> times on an all-zero input (the first runs pay for memory planning and
    /// kernel selection); every output must be finite.
    /// </summary>
    /// <exception cref="ModelLoadException">A run failed or produced NaN or infinity.</exception>
    public void WarmUp(int runs)
    {
        lock (_gate)
        {
            Array.Clear(_input);
            for (var i = 0; i < runs; i++)
            {
                try
                {
                    RunLocked();
                }
                catch (OnnxRuntimeException ex)
                {
                    throw new ModelLoadException($"Model '{Model.Id}' failed its warm-up run: {ex.Message}", ex);
                }

                if (!EmbeddingGuard.IsFinite(_output))
                {
                    throw new ModelLoadException($"Model '{Model.Id}' produced NaN or infinity in its warm-up run.");
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Terminate = true;
        lock (_gate)
        {
            _inputValue.Dispose();
            _outputValue.Dispose();
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    private void RunLocked() => _session.Run(_runOptions, _inputNames, [_inputValue], _outputNames, [_outputValue]);

    private static void VerifyFile(string path, string expectedSha256, string what)
    {
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"Model file '{path}' for '{what}' does not exist.");
        }

        var actual = ModelManifest.ComputeSha256(path);
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException($"Model file '{path}' for '{what}' has SHA-256 {actual}, but the manifest says {expectedSha256}: corrupt or replaced; refusing to load it.");
        }
    }

    private static void CheckTensor(IReadOnlyDictionary<string, NodeMetadata> metadata, TensorSpec spec, string kind, string modelId)
    {
        if (!metadata.TryGetValue(spec.Name, out var node))
        {
            throw new ModelLoadException($"Model '{modelId}' has no {kind} named '{spec.Name}' (it has: {string.Join(", ", metadata.Keys)}).");
        }

        var dims = node.Dimensions;
        var matches = dims.Length == spec.Shape.Count && dims.Select((d, i) => d <= 0 || d == spec.Shape[i]).All(ok => ok);
        if (!matches || node.ElementType != typeof(float))
        {
            throw new ModelLoadException($"Model '{modelId}' {kind} '{spec.Name}' is {node.ElementType.Name}[{string.Join(",", dims)}]; the manifest says float[{string.Join(",", spec.Shape)}].");
        }
    }
}
