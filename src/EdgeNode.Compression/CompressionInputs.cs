using EdgeNode.Common;
using EdgeNode.Compression.Calibration;
using EdgeNode.Compression.Cli;
using EdgeNode.Compression.Inputs;
using EdgeNode.Inference;

namespace EdgeNode.Compression;

/// <summary>
/// What <c>compress</c> feeds the models: calibration images (image models), tensor samples read from files
/// (any model: a folder of <c>&lt;input&gt;.npy</c>/<c>.json</c> files or of such sub-folders), and the held-out
/// samples the fidelity report runs on. Everything is loaded and checked before any output is written.
/// </summary>
internal sealed class CompressionInputs
{
    private const int HeldOut = 100;
    private const int RandomFidelityInputs = 20;

    public CalibrationImages? Images { get; private init; }

    public ImagePreprocessor? Preprocessor { get; private init; }

    public string? Preprocessing { get; private init; }

    /// <summary>[N,3,S,S] with N forced to 1, or null when the model does not take one square float image.</summary>
    public long[]? ImageShape { get; private init; }

    /// <summary>The calibration data as complete model inputs (tensor files, or the calibration images), for range and GPTQ calibration.</summary>
    public IReadOnlyList<InputSample> CalibrationSamples { get; private init; } = [];

    /// <summary>Tensor samples from files set aside for fidelity, when the data were tensors.</summary>
    public IReadOnlyList<InputSample> HeldOutSamples { get; private init; } = [];

    /// <summary>Held-out images given by <c>--fidelity-data</c>.</summary>
    public IReadOnlyList<float[]> HeldOutImages { get; private init; } = [];

    public string? FidelitySource { get; private init; }

    public static CompressionInputs Load(CompressOptions options, ModelProto model, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var imageShape = ModelCompressor.ImageInputShape(model);
        var inputs = ModelInput.Of(model);
        var tensorCalibration = options.CalibrationDirectory is { } c && TensorSamples.Contains(c);
        var tensorFidelity = options.FidelityData is { } f && TensorSamples.Contains(f);
        if (tensorCalibration && options.PruneChannels > 0)
        {
            throw new CompressionException("Channel pruning ranks and refits convolutions on calibration images; tensor-file calibration serves static int8 of MatMuls, GPTQ and fidelity.");
        }

        var needsImages = (options.CalibrationDirectory is not null && !tensorCalibration) || (options.FidelityData is not null && !tensorFidelity) || options.HeadData is not null;
        ImagePreprocessor? preprocessor = null;
        string? preprocessing = null;
        if (needsImages)
        {
            if (imageShape is null)
            {
                throw new CompressionException($"The model input '{inputs[0].Name}' is not an image tensor [N,3,S,S]; images cannot feed it. Give tensor files (<input name>.npy or .json) instead.");
            }

            (preprocessor, preprocessing) = PreprocessorFactory.Create(options.Input, (int)imageShape[2]);
        }

        var heldOutCount = options.FidelityData is null ? HeldOut : 0;
        CalibrationImages? images = null;
        IReadOnlyList<InputSample> heldOutSamples = [];
        IReadOnlyList<InputSample> calibrationSamples = [];
        IReadOnlyList<float[]> heldOutImages = [];
        string? source = null;
        if (options.CalibrationDirectory is { } calibration)
        {
            if (tensorCalibration)
            {
                var all = TensorSamples.Load(calibration, inputs, (int)Math.Min(int.MaxValue, (long)options.CalibrationCount + heldOutCount));
                calibrationSamples = [.. all.Take(options.CalibrationCount)];
                heldOutSamples = [.. all.Skip(options.CalibrationCount)];
                source = "held-out tensor samples";
            }
            else
            {
                images = CalibrationImages.Load(calibration, options.CalibrationCount, heldOutCount, preprocessor!, progress, cancellationToken);
                calibrationSamples = [.. images.Calibration.Select(i => InputSample.Single(inputs[0].Name, imageShape!, i))];
                heldOutImages = images.HeldOut;
                source = "held-out calibration-folder images";
            }
        }

        if (options.FidelityData is { } fidelity)
        {
            if (tensorFidelity)
            {
                heldOutSamples = TensorSamples.Load(fidelity, inputs);
                source = $"tensor samples from {fidelity}";
            }
            else
            {
                heldOutImages = CalibrationImages.Load(fidelity, int.MaxValue, 0, preprocessor!, progress, cancellationToken).Calibration;
                source = $"images from {fidelity}";
            }
        }

        return new CompressionInputs
        {
            Images = images,
            Preprocessor = preprocessor,
            Preprocessing = preprocessing,
            ImageShape = imageShape,
            CalibrationSamples = calibrationSamples,
            HeldOutSamples = heldOutSamples,
            HeldOutImages = heldOutImages,
            FidelitySource = source,
        };
    }

    /// <summary>The samples fidelity runs on: held-out data, else random inputs (normal floats; masks ones, other integers zeros).</summary>
    public (IReadOnlyList<InputSample> Samples, string Source) Fidelity(IReadOnlyList<ModelInput> inputs)
    {
        if (HeldOutSamples.Count > 0)
        {
            return (HeldOutSamples, FidelitySource!);
        }

        if (HeldOutImages.Count > 0)
        {
            var name = inputs[0].Name;
            return ([.. HeldOutImages.Select(i => InputSample.Single(name, ImageShape!, i))], FidelitySource!);
        }

        return ([.. Enumerable.Range(0, RandomFidelityInputs).Select(seed => Normal(InputSynthesizer.Create(inputs, new Dictionary<string, long[]>(), new Dictionary<string, InputFill>(), seed + 11), seed))], "random normal inputs");
    }

    /// <summary>The sample the latency comparison runs: the first held-out tensor sample, else a synthesized one.</summary>
    public InputSample Latency(IReadOnlyList<ModelInput> inputs) =>
        HeldOutSamples.Count > 0 ? HeldOutSamples[0] : InputSynthesizer.Create(inputs, new Dictionary<string, long[]>(), new Dictionary<string, InputFill>());

    private static InputSample Normal(InputSample sample, int seed)
    {
        var random = new Random(seed + 11);
        foreach (var values in sample.Tensors.Select(t => t.Data).OfType<float[]>())
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = (float)StandardNormal.Sample(random);
            }
        }

        return sample;
    }
}
