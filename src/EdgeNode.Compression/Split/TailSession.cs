using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Compression.Split;

/// <summary>
/// The tail half of a split model (<c>tail.onnx</c>): the cut tensor in, the whole model's output out. One session,
/// created once, warmed up and run concurrently by every head that streams to this board.
/// </summary>
public sealed class TailSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputs;
    private readonly string[] _outputs;
    private readonly long[] _inputShape;
    private readonly long[] _outputShape;
    private readonly RunOptions _runOptions = new();

    private TailSession(InferenceSession session, string input, long[] inputShape, string output, long[] outputShape)
    {
        _session = session;
        _inputs = [input];
        _outputs = [output];
        _inputShape = inputShape;
        _outputShape = outputShape;
        InputLength = (int)inputShape.Aggregate(1L, (a, b) => a * b);
        OutputLength = (int)outputShape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>Floats of one activation.</summary>
    public int InputLength { get; }

    /// <summary>Floats of one output (the embedding).</summary>
    public int OutputLength { get; }

    /// <summary>
    /// Opens the tail of <paramref name="manifest"/> in <paramref name="folder"/>, checking its SHA-256 against
    /// split.json and its tensors against the cut, and runs it once on zeros.
    /// </summary>
    /// <exception cref="CompressionException">Not a tensor cut, a missing or replaced file, or a model ONNX Runtime rejects.</exception>
    public static TailSession Open(string folder, SplitManifest manifest, int threads)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest is not { Kind: "tensor", Cut: { Dtype: "float" } cut, Tail: { } tail, TailSha256: { } tailSha })
        {
            throw new CompressionException($"The split manifest in '{folder}' is not a float tensor cut (kind '{manifest.Kind}', dtype '{manifest.Cut?.Dtype}'); a tail streams float activations only.");
        }

        var path = Path.Combine(folder, tail);
        var bytes = File.Exists(path) ? File.ReadAllBytes(path) : throw new CompressionException($"The tail model '{path}' does not exist.");
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, tailSha, StringComparison.OrdinalIgnoreCase))
        {
            throw new CompressionException($"The tail model '{path}' has SHA-256 {actual}, but split.json says {tailSha}: corrupt or replaced; refusing to load it.");
        }

        using var options = new SessionOptions { IntraOpNumThreads = Math.Max(1, threads) };
        InferenceSession? session = null;
        try
        {
            session = new InferenceSession(bytes, options);
            if (!session.InputMetadata.ContainsKey(cut.Tensor) || !session.OutputMetadata.TryGetValue(manifest.Output, out var output))
            {
                throw new CompressionException($"The tail model '{path}' does not read '{cut.Tensor}' and write '{manifest.Output}'.");
            }

            var outputShape = output.Dimensions.Select(d => d > 0 ? (long)d : 1L).ToArray();
            var tailSession = new TailSession(session, cut.Tensor, [.. cut.Shape], manifest.Output, outputShape);
            session = null;
            tailSession.Run(new float[tailSession.InputLength], new float[tailSession.OutputLength]);
            return tailSession;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"ONNX Runtime rejected the tail model '{path}': {ex.Message}", ex);
        }
        finally
        {
            session?.Dispose();
        }
    }

    /// <summary>Runs the tail on <paramref name="activation"/> (<see cref="InputLength"/> floats) into <paramref name="output"/>.</summary>
    /// <exception cref="CompressionException">ONNX Runtime failed the run.</exception>
    public void Run(Memory<float> activation, Memory<float> output)
    {
        if (activation.Length != InputLength || output.Length != OutputLength)
        {
            throw new ArgumentException($"The tail takes {InputLength} floats and gives {OutputLength}; got {activation.Length} and room for {output.Length}.");
        }

        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, activation, _inputShape);
        using var result = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output, _outputShape);
        try
        {
            _session.Run(_runOptions, _inputs, [input], _outputs, [result]);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CompressionException($"The tail model failed a run: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
