using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Outbox;
using EdgeNode.Storage;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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

    /// <summary>The stored payload's <c>id</c>.</summary>
    public static string IdOf(BusMessage message) => JsonDocument.Parse(message.Payload).RootElement.GetProperty("id").GetString()!;

    /// <summary>A publisher on this outbox and <paramref name="bus"/> (the recording bus when null), on the fake clock.</summary>
    public OutboxPublisherService Publisher(OutboxOptions options, IMessageBus? bus = null, OutboxDeadLetters? deadLetters = null) =>
        new(Store, bus ?? Bus, Signal, Writer, Options.Create(options), Time, deadLetters ?? new OutboxDeadLetters(), NullLogger<OutboxPublisherService>.Instance);

    /// <summary>Commits <paramref name="count"/> results (seq 1 to count) through the writer; returns their ids in order.</summary>
    public async Task<List<string>> AppendResultsAsync(int count)
    {
        var messages = Enumerable.Range(1, count)
            .Select(i => Writer.Create(MessageKind.Result, Identity.Topics.Results, Time.GetUtcNow(), i, i, static (w, n) => w.WriteNumber("n", n)))
            .ToList();
        await Writer.AppendAsync(messages);
        return [.. messages.Select(m => m.Id)];
    }

    /// <summary>Items not yet acknowledged.</summary>
    public long Pending() => Store.GetStatsAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult().Pending;

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
