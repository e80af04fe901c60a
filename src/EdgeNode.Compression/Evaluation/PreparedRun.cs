using EdgeNode.Compression.Inputs;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Evaluation;

/// <summary>A session with its input values created once; each <see cref="Run"/> is one timed inference.</summary>
internal sealed class PreparedRun : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly OrtValue[] _values;
    private readonly string[] _outputNames;
    private readonly RunOptions _runOptions = new();

    public PreparedRun(InferenceSession session, InputSample sample, string[] outputNames)
    {
        _session = session;
        _inputNames = [.. sample.Tensors.Select(t => t.Name)];
        _values = [.. sample.Tensors.Select(t => t.ToOrtValue())];
        _outputNames = outputNames;
    }

    public void Run()
    {
        try
        {
            using var results = _session.Run(_runOptions, _inputNames, _values, _outputNames);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime failed to run the model: {ex.Message}", ex);
        }
    }

    public void Dispose()
    {
        foreach (var value in _values)
        {
            value.Dispose();
        }

        _runOptions.Dispose();
    }
}
