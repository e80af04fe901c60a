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
public sealed partial class OnnxInferenceEngine : IInferenceEngine, IDisposable
{
    private readonly InferenceSession _session;
    private readonly ImagePreprocessor _preprocessor;
    private readonly RunOptions _runOptions = new();
    private readonly InputSlot[] _slots;
    private readonly float[] _output;
    private readonly OrtValue _outputValue;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly Lock _gate = new();
    private int _nextSlot;
    private int _nextBatch;
    private OrtValue[]? _outputValues;
    private readonly long[] _inputShape;
    private readonly long[] _outputShape;
    private readonly BatchBuffers?[] _batches;

    private OnnxInferenceEngine(InferenceSession session, ModelEntry entry, ImagePreprocessor preprocessor, ModelInfo model)
    {
        _session = session;
        _preprocessor = preprocessor;
        Model = model;
        var inputShape = entry.Input.Shape.Select(d => (long)d).ToArray();

        // Two pinned inputs: one caller pre-processes the next frame straight into the second while the first runs.
        _slots = [new InputSlot(entry.Input.ElementCount, inputShape), new InputSlot(entry.Input.ElementCount, inputShape)];
        _output = new float[entry.Output.ElementCount];
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, entry.Output.Shape.Select(d => (long)d).ToArray());
        _inputNames = [entry.Input.Name];
        _outputNames = [entry.Output.Name];
        _inputShape = inputShape;
        _outputShape = [.. entry.Output.Shape.Select(d => (long)d)];
        _batches = new BatchBuffers?[2 * (model.MaxBatch + 1)];
    }

    /// <inheritdoc />
    public ModelInfo Model { get; private set; }

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

        var mean = MeanImage.FromPreprocessModel(meanPath, entry.Preprocessing.Size);
        OnnxInferenceEngine OpenWith(int? threads) => Open(path, entry, mean, options, logger, threads);

        if (options.FixedThreads is { } fixedThreads)
        {
            var fixedEngine = OpenWith(fixedThreads);
            fixedEngine.SetThreads(new ThreadChoice(fixedThreads, Tuned: false, []));
            return WarmedUp(fixedEngine, entry, options, logger, started, warmUp);
        }

        // Tuning times real runs, so it always warms the candidates up; the chosen one needs no second warm-up.
        var tuned = ThreadTuner.Choose(t => OpenWith(t), Environment.ProcessorCount, Math.Max(1, options.WarmupRuns), logger, entry.Id);
        return WarmedUp(tuned, entry, options, logger, started, warmUp: false);
    }

    private static OnnxInferenceEngine Open(string path, ModelEntry entry, float[] mean, InferenceOptions options, ILogger logger, int? threads)
    {
        var (session, provider) = NodeSessionFactory.Open(path, options, logger, threads: threads);
        try
        {
            CheckTensor(session.InputMetadata, entry.Input, "input", entry.Id);
            CheckTensor(session.OutputMetadata, entry.Output, "output", entry.Id);
            var preprocessor = new ImagePreprocessor(entry.Preprocessing.Size, mean, entry.Preprocessing.ChannelOrder == "BGR", entry.Preprocessing.Range);

            // A dynamic first dimension (-1 or a symbolic name) lets one run take several frames; MaxBatch bounds the extra latency.
            var maxBatch = session.InputMetadata[entry.Input.Name].Dimensions is [<= 0, ..] ? options.MaxBatch : 1;
            var model = entry.Describe(provider) with { MaxBatch = maxBatch, InputSize = entry.Preprocessing.Size };
            return new OnnxInferenceEngine(session, entry, preprocessor, model);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static OnnxInferenceEngine WarmedUp(OnnxInferenceEngine engine, ModelEntry entry, InferenceOptions options, ILogger logger, long started, bool warmUp)
    {
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

        Log.ModelLoaded(logger, entry.Id, entry.Precision, entry.Sha256[..12], engine.Model.ExecutionProvider, loadedMs, (long)Stopwatch.GetElapsedTime(warm).TotalMilliseconds);
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

        var slot = _slots[(Interlocked.Increment(ref _nextSlot) & int.MaxValue) % _slots.Length];
        lock (slot.Gate)
        {
            // Outside the run lock: this frame's pre-processing overlaps the other slot's run.
            _preprocessor.Process(frame, slot.Input);
            lock (_gate)
            {
                RunLocked(slot);
                _output.CopyTo(embedding);
            }
        }

        return Model;
    }

    /// <summary>Runs the model on an already pre-processed tensor (benchmarks, calibration).</summary>
    public void EmbedTensor(ReadOnlySpan<float> tensor, Span<float> embedding)
    {
        var slot = _slots[0];
        lock (slot.Gate)
        {
            tensor.CopyTo(slot.Input);
            lock (_gate)
            {
                RunLocked(slot);
                _output.CopyTo(embedding);
            }
        }
    }

    /// <summary>Mean time in ms of <paramref name="runs"/> runs on the current input (the thread tuner's measure).</summary>
    internal double MeanRunMs(int runs)
    {
        lock (_gate)
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < runs; i++)
            {
                RunLocked(_slots[0]);
            }

            return Stopwatch.GetElapsedTime(started).TotalMilliseconds / runs;
        }
    }

    /// <summary>Records how the thread count was chosen (the tuner, after it picked this engine).</summary>
    internal void SetThreads(ThreadChoice choice) => Model = Model with { Threads = choice };

    /// <summary>
    /// Runs the model <paramref name="runs"/> times on an all-zero input (the first runs pay for memory planning and
    /// kernel selection); every output must be finite.
    /// </summary>
    /// <exception cref="ModelLoadException">A run failed or produced NaN or infinity.</exception>
    public void WarmUp(int runs)
    {
        lock (_gate)
        {
            Array.Clear(_slots[0].Input);
            for (var i = 0; i < runs; i++)
            {
                try
                {
                    RunLocked(_slots[0]);
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
            foreach (var slot in _slots)
            {
                slot.Value.Dispose();
            }

            _outputValue.Dispose();
            foreach (var batch in _batches)
            {
                batch?.Dispose();
            }

            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    private void RunLocked(InputSlot slot) => _session.Run(_runOptions, _inputNames, slot.Values, _outputNames, _outputValues ??= [_outputValue]);

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
