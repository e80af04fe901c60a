using System.Diagnostics;
using System.Globalization;
using EdgeNode.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Storage.Benchmarks;

/// <summary>
/// Backlog drain: N undelivered results committed while "offline", then the real node (as a process) drains
/// them at QoS 1 to a local mosquitto with the rate limit off; msgs/s from the span of <c>delivered_at</c> in the
/// database (first to last group commit of marks), the node's RSS sampled every second and its CPU time, against
/// <c>mosquitto_pub -l -q 1</c> on the same broker in the same run.
/// </summary>
internal static class DrainBenchmark
{
    public static async Task<int> RunAsync(Arguments args, TextWriter output)
    {
        var backlog = args.Int("backlog", 1_000_000);
        var baseline = args.Int("baseline", 20_000);
        var inFlight = args.Int("in-flight", 0);
        using var directory = new TempDirectory();
        var db = directory.File("edgenode.db");
        output.WriteLine($"drain: {backlog:N0} results backlog, QoS 1, local mosquitto");
        output.WriteLine($"  fill (batches of 1000): {await FillAsync(db, backlog),10:N0} results/s");

        await using var broker = await MosquittoBroker.StartAsync();
        var reference = await MosquittoPubAsync(broker.Port, baseline);
        output.WriteLine($"  mosquitto_pub -l -q 1 ({baseline:N0} lines): {reference,10:N0} msgs/s");

        var environment = new Dictionary<string, string>
        {
            ["EdgeNode__NodeId"] = "bench",
            ["EdgeNode__Mqtt__EmbeddedBroker"] = "false",
            ["EdgeNode__Mqtt__Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
            ["EdgeNode__Storage__Path"] = db,
            ["EdgeNode__Storage__MaxSizeMegabytes"] = "4096",
            ["EdgeNode__Outbox__BacklogMessagesPerSecond"] = "0",
            ["EdgeNode__Camera__FramesPerSecond"] = "1",
            ["EdgeNode__Inference__Providers__0"] = "CPU",
        };
        if (inFlight > 0)
        {
            environment["EdgeNode__Outbox__MaxInFlight"] = inFlight.ToString(CultureInfo.InvariantCulture);
        }

        await using var node = NodeProcess.Start(directory.Path, environment);
        var started = Stopwatch.StartNew();
        long pending = backlog;
        TimeSpan? drainStart = null;
        var cpuAtStart = 0L;
        var rss = new List<long>();
        var samples = new List<string>();
        while (pending > 0 && !node.HasExited && started.Elapsed < TimeSpan.FromMinutes(20))
        {
            await Task.Delay(1000);
            pending = Pending(db);
            var memory = RssKb(node.Pid);
            if (pending < backlog && drainStart is null)
            {
                drainStart = started.Elapsed;
                cpuAtStart = CpuTicks(node.Pid);
            }

            if (drainStart is not null)
            {
                rss.Add(memory);
            }

            samples.Add(string.Create(CultureInfo.InvariantCulture, $"{started.Elapsed.TotalSeconds:F0}s:{pending}:{memory / 1024}MB"));
        }

        var cpu = (CpuTicks(node.Pid) - cpuAtStart) / 100.0;
        var (delivered, span) = DeliveredSpan(db, backlog);
        var rate = delivered / Math.Max(span.TotalSeconds, 0.001);
        output.WriteLine($"  node drain: {rate,10:N0} msgs/s ({delivered:N0} delivered in {span.TotalSeconds:F2} s, first to last mark; {drainStart?.TotalSeconds:F1} s start-up)");
        output.WriteLine($"  ratio to mosquitto_pub: {rate / reference:F2}; node CPU {cpu:F1} s during the drain (user+system, sampled each second), {cpu * 1e6 / Math.Max(delivered, 1):F0} us per message");
        if (rss.Count > 0)
        {
            output.WriteLine($"  node RSS during the drain: first {rss[0] / 1024} MB, max {rss.Max() / 1024} MB, last {rss[^1] / 1024} MB ({rss.Count} samples)");
        }

        output.WriteLine("  samples (time:pending:rss): " + string.Join(' ', samples));
        node.Terminate();
        await node.WaitForExitAsync(TimeSpan.FromSeconds(30));
        return pending == 0 ? 0 : 1;
    }

    private static async Task<double> FillAsync(string db, int backlog)
    {
        await using var store = await SqliteOutboxStore.OpenAsync(new StorageOptions { Path = db, MaxSizeMegabytes = 4096 }, TimeProvider.System, NullLogger.Instance);
        var now = DateTimeOffset.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < backlog; i += 1000)
        {
            await store.AppendAsync([.. Enumerable.Range(i + 1, Math.Min(1000, backlog - i)).Select(seq => Payloads.Result(seq, now))], default);
        }

        return backlog / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> MosquittoPubAsync(int port, int lines)
    {
        var payload = System.Text.Encoding.UTF8.GetString(Payloads.Json(Guid.NewGuid().ToString("N"), 1, DateTimeOffset.UtcNow));
        var info = new ProcessStartInfo("mosquitto_pub", ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", "edgenode/baseline/results", "-l"])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        for (var i = 0; i < lines; i++)
        {
            await process.StandardInput.WriteLineAsync(payload);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return lines / stopwatch.Elapsed.TotalSeconds;
    }

    private static long Pending(string db)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM messages WHERE delivered_at IS NULL";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Backlog rows (seq 1 to <paramref name="backlog"/>, not the node's live results) marked delivered, and the time from the first to the last mark (1 ms resolution).</summary>
    private static (long Delivered, TimeSpan Span) DeliveredSpan(string db, int backlog)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(MIN(delivered_at), 0), COALESCE(MAX(delivered_at), 0) FROM messages WHERE seq <= $backlog AND delivered_at IS NOT NULL";
        command.Parameters.AddWithValue("$backlog", backlog);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), TimeSpan.FromMilliseconds(reader.GetInt64(2) - reader.GetInt64(1)));
    }

    /// <summary>The process's user + system time in clock ticks (100 per second on Linux), from /proc.</summary>
    private static long CpuTicks(int pid)
    {
        try
        {
            // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long RssKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
