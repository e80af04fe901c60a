using System.Numerics.Tensors;
using EdgeNode.Common;

namespace EdgeNode.Learning.Discriminant;

/// <summary>
/// The sufficient statistics of a linear discriminant, kept exactly in double: per class the count and the sum
/// of embeddings, and one shared second-moment matrix Σ x xᵀ (upper triangle of a row-major d×d array).
/// </summary>
/// <remarks>
/// They are sums, so the same samples give the same statistics whatever their order, their split into tasks or
/// across nodes (<see cref="Add(DiscriminantStatistics)"/>), up to double rounding. Adding a sample is O(d²),
/// adding a class O(d). Counts are doubles so a bounded or noised contribution (federated DP) stays representable.
/// </remarks>
public sealed class DiscriminantStatistics
{
    // Samples folded into the second moment per pass over it: the pass then reads each row of the matrix once per block, not once per sample.
    private const int Block = 16;
    private readonly List<string> _classes = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<double[]> _sums = [];
    private readonly List<double> _counts = [];

    /// <summary>Creates empty statistics of <paramref name="dimension"/>-d embeddings.</summary>
    public DiscriminantStatistics(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, 8192);
        Dimension = dimension;
        SecondMoment = new double[dimension * dimension];
    }

    /// <summary>Embedding length d.</summary>
    public int Dimension { get; }

    /// <summary>Class names, in order of first appearance.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>Total count (sum of the class counts).</summary>
    public double Count { get; private set; }

    /// <summary>Σ x xᵀ over every sample; row-major d×d, only the upper triangle (column ≥ row) is kept.</summary>
    internal double[] SecondMoment { get; }

    /// <summary>Count of class <paramref name="c"/>.</summary>
    public double CountOf(int c) => _counts[c];

    /// <summary>Sum of the embeddings of class <paramref name="c"/>.</summary>
    public ReadOnlySpan<double> SumOf(int c) => _sums[c];

    /// <summary>Index of <paramref name="label"/>, or -1.</summary>
    public int IndexOf(string label) => _index.GetValueOrDefault(label, -1);

    /// <summary>Adds <paramref name="label"/> with no samples unless it exists; returns its index. O(d).</summary>
    public int AddClass(string label)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        if (_index.TryGetValue(label, out var existing))
        {
            return existing;
        }

        _index.Add(label, _classes.Count);
        _classes.Add(label);
        _sums.Add(new double[Dimension]);
        _counts.Add(0);
        return _classes.Count - 1;
    }

    /// <summary>Adds one labelled embedding. O(d²).</summary>
    /// <exception cref="ArgumentException">Wrong length, or a NaN or infinite value; nothing is changed.</exception>
    public void Add(ReadOnlySpan<float> embedding, string label)
    {
        EmbeddingGuard.Check(embedding, Dimension);
        Span<double> x = Dimension <= 1024 ? stackalloc double[Dimension] : new double[Dimension];
        TensorPrimitives.ConvertChecked<float, double>(embedding, x);
        Fold(x, 1, [AddClass(label)]);
    }

    /// <summary>Adds every sample of <paramref name="data"/>; the same result as adding them one by one, faster.</summary>
    /// <exception cref="ArgumentException">The set has another dimension.</exception>
    public void AddRange(SampleSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Dimension != Dimension)
        {
            throw new ArgumentException($"The samples are {data.Dimension}-d; the statistics are {Dimension}-d.", nameof(data));
        }

        var map = new int[data.Classes.Count];
        for (var c = 0; c < map.Length; c++)
        {
            map[c] = AddClass(data.Classes[c]);
        }

        var d = Dimension;
        var block = new double[Block * d];
        var targets = new int[Block];
        for (var start = 0; start < data.Count; start += Block)
        {
            var rows = Math.Min(Block, data.Count - start);
            for (var r = 0; r < rows; r++)
            {
                TensorPrimitives.ConvertChecked<float, double>(data.Row(start + r), block.AsSpan(r * d, d));
                targets[r] = map[data.Targets[start + r]];
            }

            Fold(block.AsSpan(0, rows * d), rows, targets.AsSpan(0, rows));
        }
    }

    /// <summary>Adds <paramref name="other"/>'s statistics (a node's, a site's): classes are matched by name. O(d²).</summary>
    /// <exception cref="ArgumentException">Another dimension.</exception>
    public void Add(DiscriminantStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Dimension != Dimension)
        {
            throw new ArgumentException($"The statistics are {other.Dimension}-d; these are {Dimension}-d.", nameof(other));
        }

        for (var c = 0; c < other._classes.Count; c++)
        {
            var mine = AddClass(other._classes[c]);
            TensorPrimitives.Add(_sums[mine], other._sums[c], _sums[mine]);
            _counts[mine] += other._counts[c];
        }

        TensorPrimitives.Add(SecondMoment, other.SecondMoment, SecondMoment);
        Count += other.Count;
    }

    /// <summary>Multiplies every statistic by <paramref name="factor"/> (bounds a node's weight without changing its means or covariance).</summary>
    public void Scale(double factor)
    {
        if (!(factor >= 0 && double.IsFinite(factor)))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be a finite, non-negative number.");
        }

        for (var c = 0; c < _classes.Count; c++)
        {
            TensorPrimitives.Multiply(_sums[c], factor, _sums[c]);
            _counts[c] *= factor;
        }

        TensorPrimitives.Multiply(SecondMoment, factor, SecondMoment);
        Count *= factor;
    }

    /// <summary>A deep copy.</summary>
    public DiscriminantStatistics Clone()
    {
        var copy = new DiscriminantStatistics(Dimension);
        copy.Add(this);
        return copy;
    }

    /// <summary>Sets class <paramref name="c"/>'s count and sum (decoding, noise); internal so the invariants stay with the decoder.</summary>
    internal void SetClass(int c, double count, ReadOnlySpan<double> sum)
    {
        Count += count - _counts[c];
        _counts[c] = count;
        sum.CopyTo(_sums[c]);
    }

    /// <summary>Folds <paramref name="rows"/> double rows into the sums, counts and the upper triangle of the second moment.</summary>
    private void Fold(ReadOnlySpan<double> x, int rows, ReadOnlySpan<int> targets)
    {
        var d = Dimension;
        for (var r = 0; r < rows; r++)
        {
            var row = x.Slice(r * d, d);
            TensorPrimitives.Add(_sums[targets[r]], row, _sums[targets[r]]);
            _counts[targets[r]] += 1;
        }

        Count += rows;
        var m = SecondMoment.AsSpan();
        for (var i = 0; i < d; i++)
        {
            var target = m.Slice((i * d) + i, d - i);
            for (var r = 0; r < rows; r++)
            {
                var row = x.Slice(r * d, d);
                var xi = row[i];
                if (xi != 0)
                {
                    // Post-ReLU embeddings are sparse: a zero feature adds nothing to its row.
                    TensorPrimitives.MultiplyAdd(row[i..], xi, target, target);
                }
            }
        }
    }
}
