using EdgeNode.Storage;

namespace EdgeNode.Learning;

/// <summary>
/// The node's <see cref="ISampleStore"/> (the <c>samples</c> table of the node's database), opened by a hosted service
/// before the training services start (<see cref="DeferredStore{TStore}"/>); labels that arrive earlier wait for it.
/// It applies the database's size cap and the bounds on classes and sample bytes (docs/storage.md, Samples).
/// </summary>
internal sealed class DeferredSampleStore(IOptions<StorageOptions> options, IOptions<LearningOptions> learning) : DeferredStore<SqliteSampleStore>, ISampleStore
{
    public async ValueTask<SampleAddResult> AddAsync(NewSample sample, int capacityPerClass, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).AddAsync(sample, capacityPerClass, cancellationToken);

    public async ValueTask<IReadOnlyList<LabeledSample>> ListAsync(SampleQuery query, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).ListAsync(query, cancellationToken);

    public async ValueTask<IReadOnlyList<SampleClassCount>> CountByClassAsync(CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).CountByClassAsync(cancellationToken);

    public async ValueTask<bool> RemoveAsync(long id, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).RemoveAsync(id, cancellationToken);

    protected override Task<SqliteSampleStore> OpenAsync(CancellationToken cancellationToken) =>
        SqliteSampleStore.OpenAsync(options.Value, learning.Value.MaxClasses, cancellationToken: cancellationToken);
}
