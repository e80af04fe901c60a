using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Inputs;
using EdgeNode.Compression.Onnx;

namespace EdgeNode.Compression.Cli;

/// <summary>
/// <c>edgenode bench &lt;model.onnx&gt; [&lt;model2.onnx&gt; [&lt;model3.onnx&gt;]] [--threads N] [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt]
/// [--shape NAME=D1xD2…]… [--input NAME=FILL]… [--inputs &lt;tensor-dir&gt;] [--profile] [--json]</c>: times the session the node
/// opens (<see cref="EdgeNode.Inference.NodeSessionFactory"/>) on any ONNX model.
/// </summary>
public static class BenchCommand
{
    /// <summary>Runs the verb; <paramref name="args"/> are the words after <c>bench</c>. Returns the exit code: 0 done, 1 failed, 64 bad command line.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var options = BenchOptions.Parse(args);
            var report = await Task.Run(() => Bench(options, stderr, cancellationToken), cancellationToken);
            await stdout.WriteLineAsync(options.Json ? JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchReport) : Format(report));
            return ExitCodes.Success;
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            await stderr.WriteLineAsync(BenchOptions.Usage);
            return ExitCodes.Usage;
        }
        catch (CompressionException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    private static BenchReport Bench(BenchOptions options, TextWriter stderr, CancellationToken cancellationToken)
    {
        // Inputs are resolved against every model before any session opens: a bad --shape or --input is a usage
        // error (exit 64) and leaves nothing behind, not even a profile file.
        var models = new List<(string Path, byte[] Bytes, InputSample Sample, IReadOnlyList<string> Inputs)>();
        foreach (var path in options.Models)
        {
            var bytes = File.Exists(path) ? File.ReadAllBytes(path) : throw new CompressionException($"The model '{path}' does not exist.");
            var inputs = ModelInput.Of(OnnxModelFile.Parse(bytes, path));
            var sample = options.InputsDirectory is { } directory
                ? TensorSamples.Load(directory, inputs, limit: 1)[0]
                : InputSynthesizer.Create(inputs, options.Shapes, options.Fills);
            models.Add((path, bytes, sample, Describe(inputs, sample, options)));
        }

        var sessions = new List<ModelSession>();
        var logger = new TextWriterLogger(stderr);
        try
        {
            foreach (var model in models)
            {
                var prefix = options.Profile ? Path.Combine(Path.GetTempPath(), $"edgenode-profile-{Environment.ProcessId}-{sessions.Count}") : null;
                sessions.Add(new ModelSession(model.Bytes, new SessionSettings(options.Threads, options.Providers, prefix), logger));
            }

            var stats = LatencyMeter.MeasureInterleaved(sessions, [.. models.Select(m => m.Sample)], options.Warmup, options.Runs, new SynchronousProgress(m => stderr.WriteLine(m)), cancellationToken);
            var results = models.Select((m, i) => new BenchModelResult(
                m.Path, new FileInfo(m.Path).Length, sessions[i].CreationTime.TotalMilliseconds, stats[i], options.Profile ? Profile(sessions[i]) : null, m.Inputs)).ToList();
            using var process = Process.GetCurrentProcess();
            return new BenchReport(
                sessions[0].Provider.ToLowerInvariant(), options.Threads, options.Warmup, results,
                results.Count >= 2 ? results[0].Latency.P50Ms / results[1].Latency.P50Ms : null, process.PeakWorkingSet64,
                [.. results.Skip(1).Select(m => results[0].Latency.P50Ms / m.Latency.P50Ms)]);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
            if (options.Profile)
            {
                // A run that failed leaves the profiles ONNX Runtime writes when a profiling session closes.
                foreach (var file in Directory.EnumerateFiles(Path.GetTempPath(), $"edgenode-profile-{Environment.ProcessId}-*"))
                {
                    File.Delete(file);
                }
            }
        }
    }

    private static List<string> Describe(IReadOnlyList<ModelInput> inputs, InputSample sample, BenchOptions options) =>
        [.. sample.Tensors.Select(t =>
        {
            var input = inputs.First(i => i.Name == t.Name);
            var source = options.InputsDirectory is not null ? sample.Source : InputSynthesizer.FillOf(input, options.Fills).ToString();
            return string.Create(CultureInfo.InvariantCulture, $"{t.Name} {input.TypeName}[{string.Join("x", t.Shape)}] {source}");
        })];

    private static IReadOnlyList<OpTime> Profile(ModelSession session)
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
        var lines = new List<string> { string.Create(c, $"provider {r.Provider}, {r.Threads} threads, {r.Warmup} warm-up runs, interleaved") };
        foreach (var m in r.Models)
        {
            lines.Add(string.Create(c,
                $"{m.Model}: {m.SizeBytes:N0} bytes, session {m.SessionCreationMs:F0} ms, p50 {m.Latency.P50Ms:F2} ms, p95 {m.Latency.P95Ms:F2} ms, p99 {m.Latency.P99Ms:F2} ms, {m.Latency.ThroughputPerSecond:F1}/s ({m.Latency.Runs} runs)"));
            lines.AddRange((m.Inputs ?? []).Select(i => "  input " + i));
            lines.AddRange((m.Profile ?? []).Select(t => string.Create(c, $"  {t.Op,-40} ×{t.Nodes,-3} {t.MsPerRun,8:F3} ms/run {t.Share,7:P1}")));
        }

        for (var i = 0; i < (r.Ratios?.Count ?? 0); i++)
        {
            lines.Add(string.Create(c, $"ratio (p50 first / {(i == 0 ? "second" : "third")}): {r.Ratios![i]:F2}x"));
        }

        lines.Add(string.Create(c, $"peak RSS: {r.PeakRssBytes / (1024.0 * 1024.0):F0} MiB"));
        return string.Join('\n', lines);
    }
}
