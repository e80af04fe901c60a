using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Storage.Benchmarks;

/// <summary>
/// Stored results/s through <see cref="SqliteOutboxStore"/> (calls of 100, and many concurrent writers of
/// one result per call that the group-commit writer batches), for both durabilities, against the sqlite3
/// shell inserting the same rows in transactions of 100 in the same run.
/// </summary>
internal static class StoreBenchmark
{
    public static async Task<int> RunAsync(Arguments args, TextWriter output)
    {
        var items = args.Int("items", 200_000);
        var writers = args.Int("writers", 64);
        output.WriteLine($"store: {items:N0} results of ~300 bytes (the node's JSON), schema and indexes of the node");
        output.WriteLine($"  sqlite3 shell, transactions of 100 (default journal, synchronous=FULL): {await MeasureShellAsync(items, wal: false),10:N0} rows/s");
        output.WriteLine($"  sqlite3 shell, transactions of 100 (WAL, synchronous=NORMAL):          {await MeasureShellAsync(items, wal: true),10:N0} rows/s");
        foreach (var durability in new[] { StorageDurability.Normal, StorageDurability.Full })
        {
            output.WriteLine($"  EdgeNode store, {durability,-6}, AppendAsync of 100 per call:        {await MeasureStoreAsync(items, 1, 100, durability),10:N0} results/s");
            output.WriteLine($"  EdgeNode store, {durability,-6}, {writers} writers, 1 per call (group commit): {await MeasureStoreAsync(items, writers, 1, durability),10:N0} results/s");
            output.WriteLine($"  EdgeNode store, {durability,-6}, 8 writers, 100 per call (group commit): {await MeasureStoreAsync(items, 8, 100, durability),10:N0} results/s");
        }

        output.WriteLine($"  EdgeNode store, Normal, 1 writer, 1 per call, awaited:        {await MeasureStoreAsync(items / 10, 1, 1, StorageDurability.Normal),10:N0} results/s");
        return 0;
    }

    private static async Task<double> MeasureStoreAsync(int items, int writers, int perCall, StorageDurability durability)
    {
        using var directory = new TempDirectory();
        var options = new StorageOptions { Path = directory.File("bench.db"), Durability = durability, MaxSizeMegabytes = 4096 };
        await using var store = await SqliteOutboxStore.OpenAsync(options, TimeProvider.System, NullLogger.Instance);
        var now = DateTimeOffset.UtcNow;
        var perWriter = items / writers / perCall * perCall;
        var messages = Enumerable.Range(0, writers).Select(w => Enumerable.Range(0, perWriter).Select(i => Payloads.Result(((long)w * perWriter) + i + 1, now)).Chunk(perCall).ToArray()).ToArray();
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(messages.Select(calls => Task.Run(async () =>
        {
            foreach (var call in calls)
            {
                await store.AppendAsync(call, default);
            }
        })));
        stopwatch.Stop();
        var stored = (await store.GetStatsAsync(default)).Pending;
        if (stored != perWriter * writers)
        {
            throw new InvalidOperationException($"stored {stored}, expected {perWriter * writers}");
        }

        return stored / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> MeasureShellAsync(int items, bool wal)
    {
        using var directory = new TempDirectory();
        var script = new StringBuilder();
        script.AppendLine(wal ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" : string.Empty);
        script.AppendLine("CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind INTEGER NOT NULL, topic TEXT NOT NULL, payload BLOB NOT NULL, created_at INTEGER NOT NULL, delivered_at INTEGER NULL);");
        script.AppendLine("CREATE INDEX ix_messages_pending ON messages (seq) WHERE delivered_at IS NULL;");
        script.AppendLine("CREATE INDEX ix_messages_created ON messages (created_at);");
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < items; i++)
        {
            if (i % 100 == 0)
            {
                script.AppendLine("BEGIN;");
            }

            var id = Guid.CreateVersion7(now).ToString("N");
            script.Append(CultureInfo.InvariantCulture, $"INSERT INTO messages (id, kind, topic, payload, created_at) VALUES ('{id}', 0, 'edgenode/bench/results', '")
                .Append(Encoding.UTF8.GetString(Payloads.Json(id, i + 1, now)))
                .AppendLine(CultureInfo.InvariantCulture, $"', {now.ToUnixTimeMilliseconds()});");
            if (i % 100 == 99 || i == items - 1)
            {
                script.AppendLine("COMMIT;");
            }
        }

        var sql = directory.File("insert.sql");
        await File.WriteAllTextAsync(sql, script.ToString());
        var info = new ProcessStartInfo("sqlite3", [directory.File("shell.db"), ".read " + sql]) { UseShellExecute = false, RedirectStandardOutput = true };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        stopwatch.Stop();
        return items / stopwatch.Elapsed.TotalSeconds;
    }
}
