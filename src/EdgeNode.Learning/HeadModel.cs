using System.Numerics.Tensors;
using EdgeNode.Common;

namespace EdgeNode.Learning;

/// <summary>
/// A classifier over the backbone embedding: multinomial logistic regression (<see cref="HiddenSize"/> = 0)
/// or a one-hidden-layer ReLU MLP, after per-feature standardisation. Classes can be added at run time.
/// </summary>
/// <remarks>
/// All weights and biases live in one flat vector (<see cref="GetParameters"/>/<see cref="SetParameters"/>), so a
/// federated client can compute and apply deltas. Layout: [W1 (H×D), b1 (H)] when H &gt; 0, then W (C×I), b (C)
/// with I = H or D, row-major. The layout changes when a class is added.
/// </remarks>
public sealed class HeadModel
{
    private readonly List<string> _classes = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private float[] _parameters;

    /// <summary>Creates an untrained head with no classes.</summary>
    /// <param name="inputSize">Embedding length D.</param>
    /// <param name="hiddenSize">Hidden units H; 0 for logistic regression.</param>
    /// <param name="seed">Seeds the hidden layer's initial weights.</param>
    public HeadModel(int inputSize, int hiddenSize = 0, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegative(hiddenSize);
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Scaler = new FeatureScaler(inputSize);
        _parameters = new float[HiddenParameterCount];
        if (hiddenSize > 0)
        {
            // He initialisation, deterministic for a seed.
            var random = new Random(seed);
            var std = MathF.Sqrt(2f / inputSize);
            for (var i = 0; i < hiddenSize * inputSize; i++)
            {
                _parameters[i] = std * (float)StandardNormal.Sample(random);
            }
        }
    }

    internal HeadModel(int inputSize, int hiddenSize, IEnumerable<string> classes, FeatureScaler scaler, float[] parameters)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Scaler = scaler;
        foreach (var label in classes)
        {
            _index.Add(label, _classes.Count);
            _classes.Add(label);
        }

        if (parameters.Length != HiddenParameterCount + (_classes.Count * (FeatureSizeOfOutput + 1)))
        {
            throw new ArgumentException($"{parameters.Length} parameters do not fit this architecture.", nameof(parameters));
        }

        _parameters = parameters;
    }

    /// <summary>Embedding length D.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units H (0: logistic regression).</summary>
    public int HiddenSize { get; }

    /// <summary>Class names; the index is the output unit.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>Standardisation applied before the first layer.</summary>
    public FeatureScaler Scaler { get; private set; }

    /// <summary>Length of the flat parameter vector.</summary>
    public int ParameterCount => _parameters.Length;

    /// <summary>Length of the input of the output layer (H or D).</summary>
    internal int FeatureSizeOfOutput => HiddenSize > 0 ? HiddenSize : InputSize;

    internal int HiddenParameterCount => HiddenSize > 0 ? (HiddenSize * InputSize) + HiddenSize : 0;

    internal int OutputWeightsOffset => HiddenParameterCount;

    internal int OutputBiasOffset => HiddenParameterCount + (_classes.Count * FeatureSizeOfOutput);

    internal float[] Parameters => _parameters;

    /// <summary>Copies the flat parameter vector into <paramref name="destination"/>.</summary>
    public void GetParameters(Span<float> destination) => _parameters.CopyTo(destination);

    /// <summary>Replaces all weights and biases.</summary>
    /// <exception cref="ArgumentException">Wrong length or non-finite values.</exception>
    public void SetParameters(ReadOnlySpan<float> parameters)
    {
        if (parameters.Length != _parameters.Length)
        {
            throw new ArgumentException($"Expected {_parameters.Length} parameters, got {parameters.Length}.", nameof(parameters));
        }

        if (!EmbeddingGuard.IsFinite(parameters))
        {
            throw new ArgumentException("Parameters contain NaN or infinite values.", nameof(parameters));
        }

        parameters.CopyTo(_parameters);
    }

    /// <summary>Index of <paramref name="label"/>, or -1.</summary>
    public int IndexOf(string label) => _index.GetValueOrDefault(label, -1);

    /// <summary>Adds an output unit for <paramref name="label"/> (zero weights) unless it exists; returns its index.</summary>
    public int AddClass(string label)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        if (_index.TryGetValue(label, out var existing))
        {
            return existing;
        }

        var features = FeatureSizeOfOutput;
        var c = _classes.Count;
        var grown = new float[_parameters.Length + features + 1];
        var weights = OutputWeightsOffset;
        _parameters.AsSpan(0, weights + (c * features)).CopyTo(grown);
        _parameters.AsSpan(OutputBiasOffset, c).CopyTo(grown.AsSpan(weights + ((c + 1) * features)));
        _parameters = grown;
        _index.Add(label, c);
        _classes.Add(label);
        return c;
    }

    /// <summary>
    /// Switches to <paramref name="scaler"/> while computing exactly the same function: the first layer's
    /// weights and biases absorb the change of mean and scale.
    /// </summary>
    public void Restandardize(FeatureScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        if (scaler.Dimension != InputSize)
        {
            throw new ArgumentException($"The scaler has {scaler.Dimension} features; the head takes {InputSize}.", nameof(scaler));
        }

        var rows = HiddenSize > 0 ? HiddenSize : _classes.Count;
        var biasOffset = HiddenSize > 0 ? HiddenSize * InputSize : OutputBiasOffset;
        var shift = new float[InputSize];
        var ratio = new float[InputSize];

        // shift = (m' − m) · s ; ratio = s / s'
        TensorPrimitives.Subtract(scaler.Mean, Scaler.Mean, shift);
        TensorPrimitives.Multiply(shift, Scaler.InvStd, shift);
        TensorPrimitives.Divide(Scaler.InvStd, scaler.InvStd, ratio);
        for (var r = 0; r < rows; r++)
        {
            var w = _parameters.AsSpan(r * InputSize, InputSize);
            _parameters[biasOffset + r] += TensorPrimitives.Dot(w, shift);
            TensorPrimitives.Multiply(w, ratio, w);
        }

        Scaler = scaler;
    }

    /// <summary>Class probabilities for <paramref name="embedding"/> into <paramref name="probabilities"/> (length ≥ class count); returns the best class.</summary>
    /// <exception cref="InvalidOperationException">The head has no classes.</exception>
    public Prediction Predict(ReadOnlySpan<float> embedding, Span<float> probabilities)
    {
        EmbeddingGuard.Check(embedding, InputSize);
        if (_classes.Count == 0)
        {
            throw new InvalidOperationException("The head has no classes yet.");
        }

        var c = _classes.Count;
        var n = InputSize + HiddenSize;
        Span<float> scratch = n <= 4096 ? stackalloc float[n] : new float[n];
        var x = scratch[..InputSize];
        Scaler.Transform(embedding, x);
        var p = probabilities[..c];
        Forward(x, scratch.Slice(InputSize, HiddenSize), p);
        // Shifted by the largest logit: a discriminant head's logits can exceed exp's float range.
        TensorPrimitives.Subtract(p, TensorPrimitives.Max(p), p);
        TensorPrimitives.SoftMax(p, p);
        var best = TensorPrimitives.IndexOfMax(p);
        return new Prediction(_classes[best], p[best], best);
    }

    /// <summary>Multiplies every logit by <paramref name="factor"/> (the output layer's weights and biases): temperature scaling, decisions unchanged for a positive factor.</summary>
    public void ScaleLogits(float factor)
    {
        if (!(factor > 0 && float.IsFinite(factor)))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The logit scale must be a positive number.");
        }

        TensorPrimitives.Multiply(_parameters.AsSpan(OutputWeightsOffset), factor, _parameters.AsSpan(OutputWeightsOffset));
    }

    /// <summary>A deep copy.</summary>
    public HeadModel Clone() => new(InputSize, HiddenSize, _classes, Scaler.Clone(), (float[])_parameters.Clone());

    /// <summary>Logits for a standardised input; <paramref name="hidden"/> receives the post-ReLU hidden layer when H &gt; 0.</summary>
    internal void Forward(ReadOnlySpan<float> x, Span<float> hidden, Span<float> logits)
    {
        var p = _parameters.AsSpan();
        ReadOnlySpan<float> features = x;
        if (HiddenSize > 0)
        {
            var h = hidden[..HiddenSize];
            var weights = HiddenSize * InputSize;
            DenseKernels.Forward(p[..weights], p.Slice(weights, HiddenSize), x, h);
            TensorPrimitives.Max(h, 0f, h);
            features = h;
        }

        var c = _classes.Count;
        DenseKernels.Forward(p.Slice(OutputWeightsOffset, c * features.Length), p.Slice(OutputBiasOffset, c), features, logits[..c]);
    }
}
