using EdgeNode.Compression.Inputs;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Calibration;

/// <summary>
/// Runs a float model with chosen intermediate tensors exposed as extra outputs and hands their values
/// to a callback, one input at a time (nothing is kept, so memory stays flat over any number of samples).
/// Feeds an image model's single tensor or any model's full <see cref="InputSample"/> (token ids and masks).
/// </summary>
internal sealed class ActivationCollector : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly long[] _inputShape;
    private readonly string[] _names;

    /// <param name="model">The float model.</param>
    /// <param name="tensorNames">Float tensors to expose.</param>
    /// <param name="inputShape">The image input's shape for <see cref="Collect(float[], Action{string, ReadOnlySpan{float}})"/>; empty when only samples are fed.</param>
    /// <param name="threads">Intra-op threads.</param>
    public ActivationCollector(ModelProto model, IReadOnlyList<string> tensorNames, long[] inputShape, int threads)
    {
        var augmented = model.Clone();
        var existing = new HashSet<string>(augmented.Graph.Output.Select(o => o.Name), StringComparer.Ordinal);
        foreach (var name in tensorNames.Where(n => !existing.Contains(n)))
        {
            augmented.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = Onnx.Tensors.Float } },
            });
        }

        using var options = new SessionOptions { IntraOpNumThreads = threads, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        try
        {
            _session = new InferenceSession(augmented.ToByteArray(), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime cannot load the model for calibration: {ex.Message}", ex);
        }

        _inputName = model.Graph.Input[0].Name;
        _inputShape = inputShape;
        _names = [.. tensorNames];
    }

    public void Collect(float[] input, Action<string, ReadOnlySpan<float>> onTensor) =>
        Collect(input, (name, values, _) => onTensor(name, values));

    /// <summary>As <see cref="Collect(float[], Action{string, ReadOnlySpan{float}})"/>, with each tensor's shape.</summary>
    public void Collect(float[] input, Action<string, ReadOnlySpan<float>, long[]> onTensor) =>
        Collect(InputSample.Single(_inputName, _inputShape, input), onTensor);

    /// <summary>Runs one complete sample (every model input) and hands over each exposed tensor with its shape.</summary>
    public void Collect(InputSample sample, Action<string, ReadOnlySpan<float>, long[]> onTensor)
    {
        var values = sample.Tensors.Select(t => t.ToOrtValue()).ToArray();
        using var runOptions = new RunOptions();
        try
        {
            using var results = _session.Run(runOptions, [.. sample.Tensors.Select(t => t.Name)], values, _names);
            for (var i = 0; i < _names.Length; i++)
            {
                onTensor(_names[i], results[i].GetTensorDataAsSpan<float>(), results[i].GetTensorTypeAndShape().Shape);
            }
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime failed while running calibration data ({sample.Source}) through the model: {ex.Message}", ex);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    public void Dispose() => _session.Dispose();
}
