using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Outbox;
using EdgeNode.Storage;
using EdgeNode.Testing;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Tests.Outbox;

/// <summary>A real SQLite outbox in a temporary folder, with the writer, signal, fake clock and bus port around it.</summary>
internal sealed class OutboxHarness : IAsyncDisposable
{
    private bool _storeClosed;

    private OutboxHarness(TempDirectory dir, FakeTimeProvider time, SqliteOutboxStore store)
    {
        Dir = dir;
        Time = time;
        Store = store;
        Writer = new MessageWriter(store, Signal, Bus, Identity, time);
    }

    public TempDirectory Dir { get; }

    public FakeTimeProvider Time { get; }

    public RecordingBus Bus { get; } = new();

    public OutboxSignal Signal { get; } = new();

    public NodeIdentity Identity { get; } = new("n1", new NodeTopics("edgenode", "n1"));

    public SqliteOutboxStore Store { get; }

    public MessageWriter Writer { get; }

    public static async Task<OutboxHarness> OpenAsync()
    {
        var dir = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        return new OutboxHarness(dir, time, await SqliteOutboxStore.OpenAsync(dir.File("edgenode.db"), time));
    }

    /// <summary>Closes the store early (a test of a failing store); disposing later does not close it again.</summary>
    public async Task CloseStoreAsync()
    {
        _storeClosed = true;
        await Store.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_storeClosed)
        {
            await Store.DisposeAsync();
        }

        Signal.Dispose();
        Dir.Dispose();
    }
}
