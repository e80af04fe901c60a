using EdgeNode.Core;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Learning;

/// <summary>
/// The sample store as the node uses it: every accepted label also goes to the <see cref="StatisticsLedger"/>, whether the
/// reservoir keeps it or not, and removing a sample makes the ledger rebuild from the store.
/// </summary>
public sealed class LedgerSampleStore(ISampleStore inner, StatisticsLedger ledger) : ISampleStore
{
    /// <inheritdoc/>
    public async ValueTask<SampleAddResult> AddAsync(NewSample sample, int capacityPerClass, CancellationToken cancellationToken)
    {
        var added = await inner.AddAsync(sample, capacityPerClass, cancellationToken);
        await ledger.OfferAsync(sample, added, cancellationToken);
        return added;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<LabeledSample>> ListAsync(SampleQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<SampleClassCount>> CountByClassAsync(CancellationToken cancellationToken) => inner.CountByClassAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<bool> RemoveAsync(long id, CancellationToken cancellationToken)
    {
        var removed = await inner.RemoveAsync(id, cancellationToken);
        if (removed)
        {
            ledger.Invalidate();
        }

        return removed;
    }
}
