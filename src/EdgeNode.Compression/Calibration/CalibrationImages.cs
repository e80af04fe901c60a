using EdgeNode.Inference;

namespace EdgeNode.Compression.Calibration;

/// <summary>
/// Image tensors for calibration and a disjoint held-out set for fidelity, decoded through the node's own
/// <see cref="ImagePreprocessor"/>. Files that fail to decode are skipped and counted.
/// </summary>
/// <param name="Calibration">Tensors used to choose activation ranges.</param>
/// <param name="HeldOut">Tensors never seen by calibration, for fidelity.</param>
/// <param name="Skipped">Files that could not be decoded.</param>
internal sealed record CalibrationImages(IReadOnlyList<float[]> Calibration, IReadOnlyList<float[]> HeldOut, IReadOnlyList<string> Skipped)
{
    private static readonly HashSet<string> s_extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif",
    };

    /// <summary>Files in <paramref name="directory"/> (recursively) that look like images, in a fixed shuffled order.</summary>
    public static IReadOnlyList<string> List(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CompressionException($"The calibration folder '{directory}' does not exist.");
        }

        string[] files;
        try
        {
            files = [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Where(f => s_extensions.Contains(Path.GetExtension(f)))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException($"Cannot read the calibration folder '{directory}': {ex.Message}", ex);
        }

        if (files.Length == 0)
        {
            throw new CompressionException($"The calibration folder '{directory}' contains no images (.jpg, .jpeg, .png, .bmp, .webp, .gif).");
        }

        // Sorted folders of one class per file group classes together; a seeded shuffle spreads them
        // over calibration and held-out alike, and is the same on every run.
        new Random(20261128).Shuffle(files);
        return files;
    }

    public static CalibrationImages Load(
        string directory,
        int calibrationCount,
        int heldOutCount,
        ImagePreprocessor preprocessor,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var files = List(directory);
        var calibration = new List<float[]>();
        var heldOut = new List<float[]>();
        var skipped = new List<string>();
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (calibration.Count >= calibrationCount && heldOut.Count >= heldOutCount)
            {
                break;
            }

            var tensor = new float[preprocessor.TensorLength];
            try
            {
                preprocessor.ProcessEncoded(File.ReadAllBytes(file), tensor);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                skipped.Add(file);
                continue;
            }

            (calibration.Count < calibrationCount ? calibration : heldOut).Add(tensor);
            var loaded = calibration.Count + heldOut.Count;
            if (loaded % 25 == 0)
            {
                progress?.Report($"decoding images: {loaded}/{calibrationCount + heldOutCount}");
            }
        }

        if (calibration.Count == 0)
        {
            throw new CompressionException($"None of the {files.Count} images in '{directory}' could be decoded.");
        }

        return new CalibrationImages(calibration, heldOut, skipped);
    }
}
