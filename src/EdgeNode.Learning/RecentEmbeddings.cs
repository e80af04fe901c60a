namespace EdgeNode.Learning;

/// <summary>
/// The embeddings of the last results, by result id, so a label that names a result (or <c>last</c>) can be
/// turned into a training sample. Bounded ring: the oldest is forgotten first; entries also expire by age, measured on
/// the monotonic clock (a wall-clock jump after an NTP sync neither expires every result nor keeps old ones).
/// </summary>
public sealed class RecentEmbeddings
{
    private readonly Entry?[] _ring;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private int _next;
    private string? _last;

    /// <summary>Creates a ring of <paramref name="capacity"/> entries that expire after <paramref name="timeToLive"/> of <paramref name="time"/>'s monotonic clock.</summary>
    public RecentEmbeddings(int capacity, TimeSpan timeToLive, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new Entry?[capacity];
        TimeToLive = timeToLive;
    }

    /// <summary>How long a result can be labelled.</summary>
    public TimeSpan TimeToLive { get; }

    /// <summary>
    /// Remembers the embedding of result <paramref name="resultId"/> (copied into the array of the entry it replaces, so
    /// a steady stream allocates no embedding arrays; <see cref="Find"/> hands out copies).
    /// </summary>
    public void Record(string resultId, DateTimeOffset timestamp, ReadOnlySpan<float> embedding, string modelId)
    {
        ArgumentException.ThrowIfNullOrEmpty(resultId);
        lock (_gate)
        {
            float[] copy;
            if (_ring[_next] is { } old)
            {
                _index.Remove(old.ResultId);
                copy = old.Embedding.Length == embedding.Length ? old.Embedding : new float[embedding.Length];
            }
            else
            {
                copy = new float[embedding.Length];
            }

            embedding.CopyTo(copy);
            _ring[_next] = new Entry(resultId, timestamp, copy, modelId) { Recorded = _time.GetTimestamp() };
            _index[resultId] = _next;
            _next = (_next + 1) % _ring.Length;
            _last = resultId;
        }
    }

    /// <summary>A copy of the entry for <paramref name="resultId"/> (or the newest for <c>last</c>) unless unknown or recorded longer than the time to live ago.</summary>
    public Entry? Find(string resultId)
    {
        lock (_gate)
        {
            var id = resultId == "last" ? _last : resultId;
            if (id is null || !_index.TryGetValue(id, out var slot) || _ring[slot] is not { } entry)
            {
                return null;
            }

            // A copy: the ring reuses the entry's array for a later result.
            return _time.GetElapsedTime(entry.Recorded) > TimeToLive ? null : entry with { Embedding = [.. entry.Embedding] };
        }
    }

    /// <summary>One remembered result.</summary>
    /// <param name="ResultId">The result's id.</param>
    /// <param name="Timestamp">Its time.</param>
    /// <param name="Embedding">Its embedding.</param>
    /// <param name="ModelId">The backbone that produced it.</param>
    public sealed record Entry(string ResultId, DateTimeOffset Timestamp, float[] Embedding, string ModelId)
    {
        /// <summary>When it was recorded, as a monotonic timestamp of the ring's clock.</summary>
        public long Recorded { get; init; }
    }
}
