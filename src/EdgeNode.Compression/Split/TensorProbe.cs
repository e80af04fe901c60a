using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeNode.Compression.Split;

/// <summary>
/// Runs a model with intermediate tensors exposed as extra outputs to learn what ONNX Runtime actually gives for
/// them (element type, shape and, for float tensors, the values), without trusting the graph's own shape info.
/// </summary>
internal sealed class TensorProbe : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly long[] _inputShape;
    private readonly string[] _names;

    public TensorProbe(ModelProto model, IReadOnlyList<string> tensors, long[] inputShape)
    {
        var augmented = model.Clone();
        var existing = new HashSet<string>(augmented.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);

        // An output without a type is legal ONNX; ORT infers it, so uint8 tensors of a QDQ model are probed too.
        augmented.Graph.Output.AddRange(tensors.Where(t => !existing.Contains(t)).Select(t => new ValueInfoProto { Name = t }));
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        try
        {
            _session = new InferenceSession(augmented.ToByteArray(), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime cannot load the model to measure its tensors: {ex.Message}", ex);
        }

        _inputName = model.Graph.Input.First(i => !model.Graph.Initializer.Any(t => t.Name == i.Name)).Name;
        _inputShape = inputShape;
        _names = [.. tensors];
    }

    /// <summary>Runs one input; <paramref name="onTensor"/> sees each tensor's ONNX element type, shape and float values (empty when not float).</summary>
    public void Run(float[] input, Action<string, int, long[], ReadOnlySpan<float>> onTensor)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, _inputShape);
        using var runOptions = new RunOptions();
        try
        {
            using var results = _session.Run(runOptions, [_inputName], [value], _names);
            for (var i = 0; i < _names.Length; i++)
            {
                var info = results[i].GetTensorTypeAndShape();
                var floats = info.ElementDataType == TensorElementType.Float ? results[i].GetTensorDataAsSpan<float>() : [];
                onTensor(_names[i], (int)info.ElementDataType, info.Shape, floats);
            }
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime failed while measuring the model's tensors: {ex.Message}", ex);
        }
    }

    public void Dispose() => _session.Dispose();
}
