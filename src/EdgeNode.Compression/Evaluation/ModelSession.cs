using EdgeNode.Compression.Inputs;
using EdgeNode.Inference;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Evaluation;

/// <summary>
/// One ONNX Runtime session over a model, opened through the node's own <see cref="NodeSessionFactory"/> (same
/// provider chain with fallback, threads and graph optimisation), created once and reused. Feeds any number of
/// inputs of any supported element type; returns the first output.
/// </summary>
internal sealed class ModelSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _outputNames;

    public ModelSession(byte[] model, SessionSettings settings, ILogger? logger = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            (_session, Provider) = NodeSessionFactory.Open(model, settings.ToInferenceOptions(), logger ?? NullLogger.Instance, options =>
            {
                if (settings.OptimizedModelPath is not null)
                {
                    options.OptimizedModelFilePath = settings.OptimizedModelPath;
                }

                if (settings.ProfilePrefix is not null)
                {
                    options.EnableProfiling = true;
                    options.ProfileOutputPathPrefix = settings.ProfilePrefix;
                }
            });
        }
        catch (ModelLoadException ex)
        {
            throw new CompressionException($"ONNX Runtime cannot create a session ({string.Join(" → ", settings.Providers)}): {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        CreationTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Inputs = [.. _session.InputMetadata.Select(kv => new ModelInput(
            kv.Key,
            kv.Value.IsTensor ? (int)kv.Value.ElementDataType : 0,
            [.. kv.Value.Dimensions.Select(d => (long)d)],
            [.. kv.Value.SymbolicDimensions.Select(s => string.IsNullOrEmpty(s) ? null : s)]))];
        _outputNames = [_session.OutputMetadata.First().Key];
    }

    /// <summary>The inputs the session expects.</summary>
    public IReadOnlyList<ModelInput> Inputs { get; }

    /// <summary>The preferred provider that was appended (ORT places what it cannot run on the next ones, CPU last).</summary>
    public string Provider { get; }

    public TimeSpan CreationTime { get; }

    /// <summary>The single float input of an image model, with open dimensions set to 1.</summary>
    /// <exception cref="CompressionException">The model has several inputs or a non-float one.</exception>
    public (string Name, long[] Shape) SingleFloatInput =>
        Inputs is [{ ElementType: ElementTypes.Float } input]
            ? (input.Name, [.. input.Dims.Select(d => d > 0 ? d : 1)])
            : throw new CompressionException($"This step needs a model with a single float input; the model has {string.Join(", ", Inputs.Select(i => $"{i.Name} ({i.TypeName})"))}.");

    /// <summary>Runs an image model on one pre-processed tensor.</summary>
    public float[] Run(float[] input)
    {
        var (name, shape) = SingleFloatInput;
        return Run(InputSample.Single(name, shape, input)).Values;
    }

    /// <summary>Runs one sample; returns the first output's values and shape.</summary>
    public (float[] Values, long[] Shape) Run(InputSample sample)
    {
        var values = sample.Tensors.Select(t => t.ToOrtValue()).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var results = _session.Run(runOptions, [.. sample.Tensors.Select(t => t.Name)], values, _outputNames);
            var output = results[0];
            var info = output.GetTensorTypeAndShape();
            return info.ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float
                ? (output.GetTensorDataAsSpan<float>().ToArray(), info.Shape)
                : throw new CompressionException($"The first output '{_outputNames[0]}' is {info.ElementDataType}; fidelity needs a float output.");
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime failed to run the model on {sample.Source}: {ex.Message}", ex);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Binds a sample once, so timed runs measure the model and not the feeding.</summary>
    public PreparedRun Prepare(InputSample sample) => new(_session, sample, _outputNames);

    /// <summary>Stops profiling (when the session was created with a profile prefix) and returns the profile file.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose() => _session.Dispose();
}
