using System.Globalization;
using EdgeNode.Compression.Inputs;
using EdgeNode.Inference;

namespace EdgeNode.Compression.Cli;

/// <summary>The parsed <c>edgenode bench</c> command line.</summary>
/// <param name="Models">One model, or two or three to compare (interleaved).</param>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Runs">Timed runs per model.</param>
/// <param name="Warmup">Untimed runs per model.</param>
/// <param name="Providers">The provider chain, with the node's fallback.</param>
/// <param name="Profile">Per-op kernel time from ORT's profiler.</param>
/// <param name="Json">JSON report.</param>
/// <param name="Shapes">Open dimensions per input (<c>--shape input_ids=1x128</c>).</param>
/// <param name="Fills">Values per input (<c>--input input_ids=tokens:30522</c>).</param>
/// <param name="InputsDirectory">Real inputs from tensor files (<c>--inputs &lt;dir&gt;</c>).</param>
internal sealed record BenchOptions(
    IReadOnlyList<string> Models,
    int Threads,
    int Runs,
    int Warmup,
    IReadOnlyList<string> Providers,
    bool Profile,
    bool Json,
    IReadOnlyDictionary<string, long[]> Shapes,
    IReadOnlyDictionary<string, InputFill> Fills,
    string? InputsDirectory)
{
    public const string Usage =
        "usage: edgenode bench <model.onnx> [<model2.onnx> [<model3.onnx>]] [--threads N] [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt] " +
        "[--shape NAME=D1xD2…]… [--input NAME=tokens:V|ones|zeros|random]… [--inputs <tensor-dir>] [--profile] [--json]";

    /// <summary>Parses the words after <c>bench</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option, a missing or bad value.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var models = new List<string>();
        int threads = Environment.ProcessorCount, runs = 100, warmup = 10;
        IReadOnlyList<string> providers = InferenceOptions.DefaultProviders;
        bool json = false, profile = false;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var fills = new Dictionary<string, InputFill>(StringComparer.Ordinal);
        string? inputs = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
            switch (arg)
            {
                case "--threads": threads = Positive(arg, Value()); break;
                case "--runs": runs = Positive(arg, Value()); break;
                case "--warmup": warmup = int.TryParse(Value(), CultureInfo.InvariantCulture, out var w) && w >= 0 ? w : throw new ArgumentException("--warmup must be ≥ 0."); break;
                case "--provider": providers = Chain(Value()); break;
                case "--json": json = true; break;
                case "--profile": profile = true; break;
                case "--shape":
                    var (shapeName, dims) = InputFill.ParseShape(Value());
                    shapes[shapeName] = dims;
                    break;
                case "--input":
                    var (fillName, fill) = InputFill.Parse(Value());
                    fills[fillName] = fill;
                    break;
                case "--inputs": inputs = Value(); break;
                default:
                    models.Add(arg.StartsWith('-') ? throw new ArgumentException($"Unexpected argument '{arg}'.") : arg);
                    break;
            }
        }

        if (models.Count is 0 or > 3)
        {
            throw new ArgumentException("Give one model, or two or three to compare.");
        }

        if (inputs is not null && (shapes.Count > 0 || fills.Count > 0))
        {
            throw new ArgumentException("--inputs gives every input from files; it cannot be combined with --shape or --input.");
        }

        return new BenchOptions(models, threads, runs, warmup, providers, profile, json, shapes, fills, inputs);
    }

    /// <summary>The node's chain from the named provider down: tensorrt → TensorRT, CUDA, CPU; cuda → CUDA, CPU; cpu → CPU.</summary>
    private static IReadOnlyList<string> Chain(string provider) => provider switch
    {
        "tensorrt" => ["TensorRT", "CUDA", "CPU"],
        "cuda" => ["CUDA", "CPU"],
        "cpu" => ["CPU"],
        _ => throw new ArgumentException($"Unknown provider '{provider}' (cpu, cuda or tensorrt)."),
    };

    private static int Positive(string name, string text) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{name} must be a positive integer.");
}
