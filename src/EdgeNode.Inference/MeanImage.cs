using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference;

/// <summary>Reads the mean image out of an ML.NET pre-processing model (e.g. <c>ResNetPreprocess.onnx</c>).</summary>
public static class MeanImage
{
    /// <summary>
    /// Runs the pre-processing model on an all-zero image: its output is then minus the mean image in the
    /// model's channel order, whatever reordering the graph does. Returns the mean image (planar, 3·S·S).
    /// </summary>
    /// <exception cref="ModelLoadException">The model cannot be loaded or has an unexpected shape.</exception>
    public static float[] FromPreprocessModel(string path, int size)
    {
        try
        {
            using var session = new InferenceSession(path);
            var input = session.InputMetadata.Single();
            var output = session.OutputMetadata.Single();
            var length = 3 * size * size;
            using var zeros = OrtValue.CreateTensorValueFromMemory(new float[length], [1, 3, size, size]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [input.Key], [zeros], [output.Key]);
            var values = results[0].GetTensorDataAsSpan<float>();
            if (values.Length != length)
            {
                throw new ModelLoadException($"The pre-processing model '{path}' produced {values.Length} values; expected {length}.");
            }

            var mean = new float[length];
            for (var i = 0; i < length; i++)
            {
                mean[i] = -values[i];
            }

            return mean;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"Cannot run the pre-processing model '{path}': {ex.Message}", ex);
        }
    }
}
