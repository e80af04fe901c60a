using EdgeNode.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Storage.Tests;

/// <summary>The outbox contract against the SQLite store in a file.</summary>
public sealed class SqliteFileOutboxStoreTests : OutboxStoreSuite
{
    protected override async Task<IOutboxStore> OpenAsync() =>
        await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = DatabasePath }, Time, NullLogger.Instance);

    protected override ValueTask CloseAsync(IOutboxStore store) => ((SqliteOutboxStore)store).DisposeAsync();
}
