using EdgeNode.Common;

namespace EdgeNode.Learning;

/// <summary>
/// Labelled embeddings held densely (row-major <see cref="Count"/> × <see cref="Dimension"/>), as the trainer
/// reads them. Labels are class names; <see cref="Targets"/> are their indices in <see cref="Classes"/>.
/// </summary>
public sealed class SampleSet
{
    private float[] _features;
    private int[] _targets;
    private readonly List<string> _classes = [];
    private readonly Dictionary<string, int> _classIndex = new(StringComparer.Ordinal);

    /// <summary>Creates an empty set of <paramref name="dimension"/>-d embeddings.</summary>
    public SampleSet(int dimension, int capacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Dimension = dimension;
        _features = new float[dimension * Math.Max(1, capacity)];
        _targets = new int[Math.Max(1, capacity)];
    }

    /// <summary>Embedding length.</summary>
    public int Dimension { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; private set; }

    /// <summary>Class names in order of first appearance.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>All features, row-major.</summary>
    public ReadOnlySpan<float> Features => _features.AsSpan(0, Count * Dimension);

    /// <summary>Class index of each sample.</summary>
    public ReadOnlySpan<int> Targets => _targets.AsSpan(0, Count);

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => _features.AsSpan(index * Dimension, Dimension);

    /// <summary>The class name of sample <paramref name="index"/>.</summary>
    public string LabelOf(int index) => _classes[_targets[index]];

    /// <summary>Adds one sample.</summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value.</exception>
    public void Add(ReadOnlySpan<float> embedding, string label)
    {
        EmbeddingGuard.Check(embedding, Dimension);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        if (!_classIndex.TryGetValue(label, out var target))
        {
            target = _classes.Count;
            _classes.Add(label);
            _classIndex.Add(label, target);
        }

        if (Count == _targets.Length)
        {
            Array.Resize(ref _targets, Count * 2);
            Array.Resize(ref _features, Count * 2 * Dimension);
        }

        embedding.CopyTo(_features.AsSpan(Count * Dimension, Dimension));
        _targets[Count] = target;
        Count++;
    }

    /// <summary>A new set with the samples whose label satisfies <paramref name="keep"/>.</summary>
    public SampleSet Where(Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var result = new SampleSet(Dimension, Count);
        for (var i = 0; i < Count; i++)
        {
            if (keep(LabelOf(i)))
            {
                result.Add(Row(i), LabelOf(i));
            }
        }

        return result;
    }

    /// <summary>Adds every sample of <paramref name="other"/>.</summary>
    public void AddRange(SampleSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < other.Count; i++)
        {
            Add(other.Row(i), other.LabelOf(i));
        }
    }
}
