using EdgeNode.Common;
using EdgeNode.Core;

namespace EdgeNode.Learning;

/// <summary>
/// In-memory replay buffer: a reservoir of at most <see cref="CapacityPerClass"/> embeddings per class, so old
/// classes stay represented in later training runs without keeping every sample.
/// </summary>
public sealed class ReplayBuffer
{
    private readonly Dictionary<string, ClassReservoir> _classes = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Random _random;

    /// <summary>Creates an empty buffer.</summary>
    public ReplayBuffer(int dimension, int capacityPerClass, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(capacityPerClass);
        Dimension = dimension;
        CapacityPerClass = capacityPerClass;
        _random = new Random(seed);
    }

    /// <summary>Embedding length.</summary>
    public int Dimension { get; }

    /// <summary>Most embeddings kept per class.</summary>
    public int CapacityPerClass { get; }

    /// <summary>Embeddings held.</summary>
    public int Count => _classes.Values.Sum(c => c.Items.Count);

    /// <summary>Offers one labelled embedding; it is kept with probability capacity / seen-so-far of its class.</summary>
    public void Offer(ReadOnlySpan<float> embedding, string label)
    {
        EmbeddingGuard.Check(embedding, Dimension);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        if (!_classes.TryGetValue(label, out var reservoir))
        {
            reservoir = new ClassReservoir();
            _classes.Add(label, reservoir);
            _order.Add(label);
        }

        reservoir.Seen++;
        var slot = Reservoir.ChooseSlot(reservoir.Seen, CapacityPerClass, _random);
        if (slot < 0)
        {
            return;
        }

        if (slot == reservoir.Items.Count)
        {
            reservoir.Items.Add(embedding.ToArray());
        }
        else
        {
            embedding.CopyTo(reservoir.Items[slot]);
        }
    }

    /// <summary>Offers every sample of <paramref name="samples"/>.</summary>
    public void OfferAll(SampleSet samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        for (var i = 0; i < samples.Count; i++)
        {
            Offer(samples.Row(i), samples.LabelOf(i));
        }
    }

    /// <summary><paramref name="task"/>'s samples followed by the buffer's: what a new task trains on, so that the classes of earlier tasks stay represented.</summary>
    public SampleSet WithReplay(SampleSet task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var replayed = new SampleSet(task.Dimension, task.Count + Count);
        replayed.AddRange(task);
        CopyTo(replayed);
        return replayed;
    }

    /// <summary>Appends the buffer's samples to <paramref name="destination"/>.</summary>
    public void CopyTo(SampleSet destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        foreach (var label in _order)
        {
            foreach (var item in _classes[label].Items)
            {
                destination.Add(item, label);
            }
        }
    }

    private sealed class ClassReservoir
    {
        public List<float[]> Items { get; } = [];

        public long Seen { get; set; }
    }
}
