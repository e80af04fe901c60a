using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Onnx;

namespace EdgeNode.Compression.Cli;

/// <summary><c>edgenode bench &lt;model.onnx&gt; [&lt;model2.onnx&gt;] [--threads N] [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt] [--profile] [--json]</c>.</summary>
public static class BenchCommand
{
    private const string Usage = "usage: edgenode bench <model.onnx> [<model2.onnx>] [--threads N] [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt] [--profile] [--json]";

    /// <summary>Runs the verb; <paramref name="args"/> are the words after <c>bench</c>. Returns the exit code: 0 done, 1 failed, 2 bad command line.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var models = new List<string>();
        int threads = Environment.ProcessorCount, runs = 100, warmup = 10;
        var provider = "cpu";
        var json = false;
        var profile = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{arg} needs a value.");
                switch (arg)
                {
                    case "--threads": threads = Positive(arg, Value()); break;
                    case "--runs": runs = Positive(arg, Value()); break;
                    case "--warmup": warmup = int.TryParse(Value(), CultureInfo.InvariantCulture, out var w) && w >= 0 ? w : throw new ArgumentException("--warmup must be ≥ 0."); break;
                    case "--provider": provider = Value() is "cpu" or "cuda" or "tensorrt" ? args[i] : throw new ArgumentException($"Unknown provider '{args[i]}' (cpu, cuda or tensorrt)."); break;
                    case "--json": json = true; break;
                    case "--profile": profile = true; break;
                    default:
                        models.Add(arg.StartsWith('-') ? throw new ArgumentException($"Unexpected argument '{arg}'.") : arg);
                        break;
                }
            }

            if (models.Count is 0 or > 2)
            {
                throw new ArgumentException("Give one model, or two to compare.");
            }
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var report = await Task.Run(() => Bench(models, threads, runs, warmup, provider, profile, stderr, cancellationToken), cancellationToken);
            await stdout.WriteLineAsync(json ? JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchReport) : Format(report));
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

    private static int Positive(string name, string text) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw new ArgumentException($"{name} must be a positive integer.");

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
