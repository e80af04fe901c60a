using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeNode.Common;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Onnx;

namespace EdgeNode.Compression.Cli;

/// <summary><c>edgenode bench &lt;model.onnx&gt; [&lt;model2.onnx&gt;] [--threads N] [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt] [--profile] [--json]</c>.</summary>
public static class BenchCommand
{
    /// <summary>Runs the verb; <paramref name="args"/> are the words after <c>bench</c>. Returns the exit code: 0 done, 1 failed, 64 bad command line.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        CommandLineRunner.InvokeAsync(Create(), args, "edgenode", stdout, stderr, cancellationToken);

    /// <summary>The <c>bench</c> verb: its flags, checks and help, parsed into <see cref="BenchOptions"/>.</summary>
    public static Command Create()
    {
        var models = new Argument<string[]>("model.onnx") { Description = "One model, or two to compare (measured interleaved).", Arity = new ArgumentArity(1, 2) }.NoFlags();
        var threads = new Option<int>("--threads") { Description = "Intra-op threads per session.", DefaultValueFactory = _ => Environment.ProcessorCount, HelpName = "N" }.Positive();
        var runs = new Option<int>("--runs") { Description = "Measured runs per model.", DefaultValueFactory = _ => 100, HelpName = "N" }.Positive();
        var warmup = new Option<int>("--warmup") { Description = "Runs per model before measuring.", DefaultValueFactory = _ => 10, HelpName = "N" }.Between(0, int.MaxValue);
        var provider = new Option<string>("--provider") { Description = "Execution provider.", DefaultValueFactory = _ => "cpu" };
        provider.AcceptOnlyFromAmong("cpu", "cuda", "tensorrt");
        var profile = new Option<bool>("--profile") { Description = "Report kernel time by operator type." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("bench", "Session time, latency percentiles, throughput and peak RSS of one model, or two interleaved.")
        {
            models, threads, runs, warmup, provider, profile, json,
        };
        command.SetAction((p, ct) => RunAsync(
            new BenchOptions(p.GetRequiredValue(models), p.GetValue(threads), p.GetValue(runs), p.GetValue(warmup), p.GetRequiredValue(provider), p.GetValue(profile), p.GetValue(json)),
            p.InvocationConfiguration.Output,
            p.InvocationConfiguration.Error,
            ct));
        return command;
    }

    /// <summary>Measures as <paramref name="options"/> say. Returns the exit code: 0 done, 1 failed.</summary>
    public static async Task<int> RunAsync(BenchOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var report = await Task.Run(() => Bench([.. options.Models], options.Threads, options.Runs, options.Warmup, options.Provider, options.Profile, stderr, cancellationToken), cancellationToken);
            await stdout.WriteLineAsync(options.Json ? JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchReport) : Format(report));
            return 0;
        }
        catch (CompressionException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static BenchReport Bench(List<string> paths, int threads, int runs, int warmup, string provider, bool profile, TextWriter stderr, CancellationToken cancellationToken)
    {
        var sessions = new List<OrtModel>();
        try
        {
            foreach (var path in paths)
            {
                var bytes = File.Exists(path) ? File.ReadAllBytes(path) : throw new CompressionException($"The model '{path}' does not exist.");
                OnnxModelFile.Parse(bytes, path);
                var prefix = profile ? Path.Combine(Path.GetTempPath(), $"edgenode-profile-{Environment.ProcessId}-{sessions.Count}") : null;
                sessions.Add(new OrtModel(bytes, threads, provider: provider, profilePrefix: prefix));
            }

            var stats = LatencyMeter.MeasureInterleaved(sessions, warmup, runs, new SynchronousProgress(m => stderr.WriteLine(m)), cancellationToken);
            var results = paths.Select((p, i) => new BenchModelResult(p, new FileInfo(p).Length, sessions[i].CreationTime.TotalMilliseconds, stats[i], profile ? Profile(sessions[i]) : null)).ToList();
            using var process = Process.GetCurrentProcess();
            return new BenchReport(provider, threads, warmup, results, results.Count == 2 ? results[0].Latency.P50Ms / results[1].Latency.P50Ms : null, process.PeakWorkingSet64);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
            if (profile)
            {
                // A run that failed leaves the profiles ONNX Runtime writes when a profiling session closes.
                foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), $"edgenode-profile-{Environment.ProcessId}-*"))
                {
                    File.Delete(file);
                }
            }
        }
    }

    private static IReadOnlyList<OpTime> Profile(OrtModel session)
    {
        var path = session.EndProfiling();
        try
        {
            return OpProfile.Summarize(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Format(BenchReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = r.Models.Select(m => string.Create(c,
            $"{m.Model}: {m.SizeBytes:N0} bytes, session {m.SessionCreationMs:F0} ms, p50 {m.Latency.P50Ms:F2} ms, p95 {m.Latency.P95Ms:F2} ms, p99 {m.Latency.P99Ms:F2} ms, {m.Latency.ThroughputPerSecond:F1}/s ({m.Latency.Runs} runs)")).ToList();
        foreach (var m in r.Models.Where(m => m.Profile is not null).Reverse())
        {
            var at = lines.FindIndex(l => l.StartsWith(m.Model + ":", StringComparison.Ordinal)) + 1;
            lines.InsertRange(at, m.Profile!.Select(t => string.Create(c, $"  {t.Op,-40} ×{t.Nodes,-3} {t.MsPerRun,8:F3} ms/run {t.Share,7:P1}")));
        }

        lines.Insert(0, string.Create(c, $"provider {r.Provider}, {r.Threads} threads, {r.Warmup} warm-up runs, interleaved"));
        if (r.Ratio is { } ratio)
        {
            lines.Add(string.Create(c, $"ratio (p50 first / second): {ratio:F2}x"));
        }

        lines.Add(string.Create(c, $"peak RSS: {r.PeakRssBytes / (1024.0 * 1024.0):F0} MiB"));
        return string.Join('\n', lines);
    }
}
