using EdgeNode.Inference;

namespace EdgeNode.Compression.Calibration;

/// <summary>
/// Builds the node's <see cref="ImagePreprocessor"/> for a model: from the <c>manifest.json</c> next to the
/// model when it lists the file, else BGR 0..255 with the ImageNet (Caffe) per-channel mean, which is
/// what the ResNet18 backbone's pre-processing model subtracts to within a few levels.
/// </summary>
internal static class PreprocessorFactory
{
    private static readonly float[] s_bgrMean = [103.94f, 116.78f, 123.68f];

    public static (ImagePreprocessor Preprocessor, string Description) Create(string modelPath, int size)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        if (File.Exists(Path.Combine(directory, ModelManifest.FileName)))
        {
            try
            {
                var manifest = ModelManifest.Load(directory);
                var entry = manifest.Models.FirstOrDefault(m => string.Equals(m.File, Path.GetFileName(modelPath), StringComparison.Ordinal));
                if (entry is not null && entry.Preprocessing.Size == size)
                {
                    var spec = entry.Preprocessing;
                    var mean = MeanImage.FromPreprocessModel(Path.Combine(directory, spec.MeanModel), size);
                    return (new ImagePreprocessor(size, mean, spec.ChannelOrder == "BGR", spec.Range),
                        $"manifest '{entry.Id}': {spec.ChannelOrder}, range {spec.Range}, mean image {spec.MeanModel}");
                }
            }
            catch (ModelLoadException ex)
            {
                throw new CompressionException($"The model manifest next to '{modelPath}' is invalid: {ex.Message}", ex);
            }
        }

        var plane = size * size;
        var meanImage = new float[3 * plane];
        for (var c = 0; c < 3; c++)
        {
            meanImage.AsSpan(c * plane, plane).Fill(s_bgrMean[c]);
        }

        return (new ImagePreprocessor(size, meanImage, bgr: true), "default: BGR, 0..255, ImageNet mean (104, 117, 124)");
    }
}
