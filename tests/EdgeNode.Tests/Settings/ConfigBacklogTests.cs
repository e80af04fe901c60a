using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Messaging.Commands;
using EdgeNode.Outbox;
using EdgeNode.Settings;
using EdgeNode.Storage;
using EdgeNode.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Settings;

/// <summary>Issue 20, item 4: <c>config</c> refuses a size cap that would drop the undelivered backlog at the next start.</summary>
public sealed class ConfigBacklogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Set_MaxSizeBelowTheUndeliveredBacklog_RefusedWouldDropBacklog_NothingWritten()
    {
        await using var outbox = new DeferredOutboxStore(Options.Create(new StorageOptions { Path = _dir.File("edgenode.db") }), TimeProvider.System, NullLoggerFactory.Instance);
        await outbox.StartAsync(CancellationToken.None);

        // About 3 MiB undelivered (the broker is away).
        var payload = new byte[10_000];
        for (var batch = 0; batch < 3; batch++)
        {
            await outbox.AppendAsync([.. Enumerable.Range(0, 100).Select(i => new PendingMessage($"r{batch}-{i}", MessageKind.Result, "edgenode/n/results", payload, DateTimeOffset.UnixEpoch))], CancellationToken.None);
        }

        using var settings = RuntimeSettingsFile.NextTo(_dir.File("edgenode.db"));
        var configuration = new ConfigurationBuilder().Build();
        var handler = new ConfigCommandHandler(configuration, settings, outbox);
        var before = await outbox.GetStatsAsync(CancellationToken.None);

        var ex = await Assert.ThrowsAsync<CommandException>(() => handler.HandleAsync(Request("""{"set":{"Storage:MaxSizeMegabytes":1}}"""), CancellationToken.None));

        Assert.Equal("would_drop_backlog", ex.Code);
        Assert.Contains("Nothing was changed", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(settings.Path));
        Assert.Equal(before.Pending, (await outbox.GetStatsAsync(CancellationToken.None)).Pending);
        Assert.Equal(300, before.Pending);

        var accepted = await handler.HandleAsync(Request("""{"set":{"Storage:MaxSizeMegabytes":64}}"""), CancellationToken.None);
        Assert.True(accepted.Ok);
        Assert.Contains("64", await File.ReadAllTextAsync(settings.Path), StringComparison.Ordinal);
    }

    private static CommandRequest Request(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new CommandRequest("config", document.RootElement.Clone(), System.Text.Encoding.UTF8.GetBytes(json));
    }
}
