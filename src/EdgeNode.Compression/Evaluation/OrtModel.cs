using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Evaluation;

/// <summary>One ONNX Runtime session over a model with a single float input, created once and reused.</summary>
internal sealed class OrtModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _outputName;

    public OrtModel(byte[] model, int threads, string? optimizedModelPath = null, string? provider = null, string? profilePrefix = null)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (optimizedModelPath is not null)
        {
            options.OptimizedModelFilePath = optimizedModelPath;
        }

        if (profilePrefix is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = profilePrefix;
        }

        try
        {
            switch (provider)
            {
                case null or "cpu":
                    break;
                case "cuda":
                    options.AppendExecutionProvider_CUDA();
                    break;
                case "tensorrt":
                    options.AppendExecutionProvider_Tensorrt();
                    break;
                default:
                    throw new CompressionException($"Unknown execution provider '{provider}' (cpu, cuda or tensorrt).");
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _session = new InferenceSession(model, options);
            CreationTime = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new CompressionException($"ONNX Runtime cannot create a session ({provider ?? "cpu"}): {ex.Message}", ex);
        }

        var input = _session.InputMetadata.First();
        if (_session.InputMetadata.Count != 1 || input.Value.ElementType != typeof(float))
        {
            _session.Dispose();
            throw new CompressionException("Only models with a single float input tensor are supported.");
        }

        InputName = input.Key;
        InputShape = [.. input.Value.Dimensions.Select(d => d > 0 ? (long)d : 1)];
        _outputName = _session.OutputMetadata.First().Key;
    }

    public string InputName { get; }

    public long[] InputShape { get; }

    public TimeSpan CreationTime { get; }

    public int InputLength => (int)InputShape.Aggregate(1L, (a, b) => a * b);

    public float[] Run(float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, InputShape);
        using var runOptions = new RunOptions();
        try
        {
            using var results = _session.Run(runOptions, [InputName], [value], [_outputName]);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime failed to run the model: {ex.Message}", ex);
        }
    }

    /// <summary>Stops profiling (when the session was created with a profile prefix) and returns the profile file.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose() => _session.Dispose();
}
