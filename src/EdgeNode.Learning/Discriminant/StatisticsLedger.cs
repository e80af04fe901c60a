using System.Buffers.Binary;
using System.Text;
using EdgeNode.Common;
using EdgeNode.Core;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Discriminant;

/// <summary>
/// The node's running discriminant statistics of every labelled training sample, persisted in one file, so that they
/// outlive both a restart and the replay reservoir (a class past <c>ReplayPerClass</c> keeps only a sample of its
/// labels; the statistics keep them all). Samples the gate holds out for validation are left out, as in training.
/// File: magic <c>ENSL</c>, u8 version 1, u16 + UTF-8 backbone id, i32 d, then the float64 <see cref="StatisticsCodec"/> payload.
/// </summary>
/// <remarks>
/// Until it is seeded (no file, another backbone, a removed sample) the ledger ignores offers and the next training run
/// rebuilds it from the store's training split: a removed label leaves the statistics that way, and what the reservoir
/// had already dropped is lost only then. Thread-safe.
/// </remarks>
public sealed class StatisticsLedger : IDisposable
{
    private const int Magic = 0x4C534E45; // "ENSL"
    private const byte Version = 1;
    private readonly string _path;
    private readonly double _validationFraction;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _save = new(1, 1);
    private DiscriminantStatistics? _statistics;
    private string _modelId = string.Empty;

    private StatisticsLedger(string path, double validationFraction)
    {
        _path = path;
        _validationFraction = validationFraction;
    }

    /// <summary>Opens the ledger at <paramref name="path"/>; a missing or unreadable file gives an unseeded ledger (<paramref name="problem"/> says why when unreadable).</summary>
    public static StatisticsLedger Open(string path, double validationFraction, out string? problem)
    {
        var ledger = new StatisticsLedger(path, validationFraction);
        problem = null;
        if (File.Exists(path))
        {
            try
            {
                (ledger._modelId, ledger._statistics) = Read(File.ReadAllBytes(path));
            }
            catch (InvalidDataException ex)
            {
                problem = ex.Message;
            }
        }

        return ledger;
    }

    /// <inheritdoc/>
    public void Dispose() => _save.Dispose();

    /// <summary>Samples the ledger holds (0 when unseeded).</summary>
    public double Count
    {
        get
        {
            lock (_gate)
            {
                return _statistics?.Count ?? 0;
            }
        }
    }

    /// <summary>Adds an accepted label that the store took (<paramref name="added"/>) or discarded; returns whether it counted.</summary>
    public async Task<bool> OfferAsync(NewSample sample, SampleAddResult added, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_gate)
        {
            if (_statistics is null || !string.Equals(sample.ModelId, _modelId, StringComparison.Ordinal) || sample.Embedding.Length != _statistics.Dimension
                || (added.Stored && GatedTraining.IsValidation(added.Id, _validationFraction)))
            {
                return false;
            }

            _statistics.Add(sample.Embedding.Span, sample.Label);
        }

        await SaveAsync(cancellationToken);
        return true;
    }

    /// <summary>Forgets the statistics (a label was removed); the next <see cref="SnapshotAsync"/> rebuilds them from the store.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _statistics = null;
        }
    }

    /// <summary>
    /// A copy of the statistics of backbone <paramref name="modelId"/>; when unseeded or of another backbone, first rebuilt
    /// from <paramref name="stored"/> (the store's samples, whose training split they become) and saved.
    /// </summary>
    public async Task<DiscriminantStatistics> SnapshotAsync(string modelId, int dimension, IReadOnlyList<LabeledSample> stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        DiscriminantStatistics copy;
        bool rebuilt;
        lock (_gate)
        {
            rebuilt = _statistics is null || _statistics.Dimension != dimension || !string.Equals(modelId, _modelId, StringComparison.Ordinal);
            if (rebuilt)
            {
                var statistics = new DiscriminantStatistics(dimension);
                foreach (var s in stored)
                {
                    if (s.Embedding is { } e && e.Length == dimension && EmbeddingGuard.IsFinite(e) && string.Equals(s.ModelId, modelId, StringComparison.Ordinal) && !GatedTraining.IsValidation(s.Id, _validationFraction))
                    {
                        statistics.Add(e, s.Label);
                    }
                }

                (_statistics, _modelId) = (statistics, modelId);
            }

            copy = _statistics!.Clone();
        }

        if (rebuilt)
        {
            await SaveAsync(cancellationToken);
        }

        return copy;
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await _save.WaitAsync(cancellationToken);
        try
        {
            byte[] bytes;
            lock (_gate)
            {
                if (_statistics is null)
                {
                    return;
                }

                bytes = Write(_modelId, _statistics);
            }

            await AtomicFile.WriteAsync(_path, bytes, cancellationToken);
        }
        finally
        {
            _save.Release();
        }
    }

    private static byte[] Write(string modelId, DiscriminantStatistics statistics)
    {
        var id = Encoding.UTF8.GetBytes(modelId);
        var payload = StatisticsCodec.Encode(statistics, StatisticsPrecision.Exact);
        var bytes = new byte[4 + 1 + 2 + id.Length + 4 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, Magic);
        bytes[4] = Version;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(5), checked((ushort)id.Length));
        id.CopyTo(bytes, 7);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(7 + id.Length), statistics.Dimension);
        payload.CopyTo(bytes, 11 + id.Length);
        return bytes;
    }

    private static (string ModelId, DiscriminantStatistics Statistics) Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 11 || BinaryPrimitives.ReadInt32LittleEndian(bytes) != Magic || bytes[4] != Version)
        {
            throw new InvalidDataException("Not an EdgeNode statistics ledger of a supported version.");
        }

        var idLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[5..]);
        if (bytes.Length < 11 + idLength)
        {
            throw new InvalidDataException("The statistics ledger is truncated.");
        }

        var dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes[(7 + idLength)..]);
        if (dimension is <= 0 or > 65_536)
        {
            throw new InvalidDataException($"The statistics ledger names dimension {dimension}.");
        }

        return (Encoding.UTF8.GetString(bytes.Slice(7, idLength)), StatisticsCodec.Decode(bytes[(11 + idLength)..], dimension));
    }
}
