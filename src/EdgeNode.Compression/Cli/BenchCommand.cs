using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeNode.Common;
using EdgeNode.Compression.Evaluation;
using EdgeNode.Compression.Inputs;
using EdgeNode.Inference;

namespace EdgeNode.Compression.Cli;

/// <summary>
/// <c>edgenode bench &lt;model.onnx&gt; [&lt;model2.onnx&gt; [&lt;model3.onnx&gt;]] [--threads N] [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt]
/// [--shape NAME=D1xD2…]… [--input NAME=FILL]… [--inputs &lt;tensor-dir&gt;] [--profile] [--per-layer] [--json]</c>: times the session the node
/// opens (<see cref="EdgeNode.Inference.NodeSessionFactory"/>) on any ONNX model.
/// </summary>
public static class BenchCommand
{
    /// <summary>Runs the verb; <paramref name="args"/> are the words after <c>bench</c>. Returns the exit code: 0 done, 1 failed, 64 bad command line.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        CommandLineRunner.InvokeAsync(Create(), args, "edgenode", stdout, stderr, cancellationToken);

    /// <summary>The <c>bench</c> verb: its flags, checks and help, parsed into <see cref="BenchOptions"/>.</summary>
    public static Command Create()
    {
        var models = new Argument<string[]>("model.onnx") { Description = "One model, or two or three to compare (measured interleaved; ratios over the first).", Arity = new ArgumentArity(1, 3) }.NoFlags();
        var threads = new Option<int>("--threads") { Description = "Intra-op threads per session.", DefaultValueFactory = _ => Environment.ProcessorCount, HelpName = "N" }.Positive();
        var runs = new Option<int>("--runs") { Description = "Measured runs per model.", DefaultValueFactory = _ => 100, HelpName = "N" }.Positive();
        var warmup = new Option<int>("--warmup") { Description = "Runs per model before measuring.", DefaultValueFactory = _ => 10, HelpName = "N" }.Between(0, int.MaxValue);
        var provider = new Option<string?>("--provider") { Description = "Execution provider, with the node's fallback: tensorrt -> TensorRT, CUDA, CPU; cuda -> CUDA, CPU; cpu. Default: the node's chain." };
        provider.AcceptOnlyFromAmong("cpu", "cuda", "tensorrt");
        var shape = new Option<string[]>("--shape") { Description = "Open dimensions of an input (repeatable), e.g. input_ids=1x128.", HelpName = "NAME=D1xD2...", AllowMultipleArgumentsPerToken = false };
        shape.Validators.Add(r => Check(r, text => InputFill.ParseShape(text)));
        var input = new Option<string[]>("--input") { Description = "Values of an input (repeatable): tokens:V (ids below V), ones, zeros or random.", HelpName = "NAME=FILL", AllowMultipleArgumentsPerToken = false };
        input.Validators.Add(r => Check(r, text => InputFill.Parse(text)));
        var inputs = new Option<string?>("--inputs") { Description = "Real inputs from tensor files (.npy or .json per input).", HelpName = "tensor-dir" };
        var profile = new Option<bool>("--profile") { Description = "Report kernel time by operator type." };
        var perLayer = new Option<bool>("--per-layer") { Description = "Report each node's kernel time in execution order (what split --at auto plans with)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("bench", "Session time, latency percentiles, throughput and peak RSS of the session the node opens, for one model or up to three interleaved.")
        {
            models, threads, runs, warmup, provider, shape, input, inputs, profile, perLayer, json,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(inputs) is not null && ((r.GetValue(shape)?.Length ?? 0) > 0 || (r.GetValue(input)?.Length ?? 0) > 0))
            {
                r.AddError("--inputs gives every input from files; it cannot be combined with --shape or --input.");
            }
        });
        command.SetAction((p, ct) =>
        {
            var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
            foreach (var text in p.GetValue(shape) ?? [])
            {
                var (name, dims) = InputFill.ParseShape(text);
                shapes[name] = dims;
            }

            var fills = new Dictionary<string, InputFill>(StringComparer.Ordinal);
            foreach (var text in p.GetValue(input) ?? [])
            {
                var (name, fill) = InputFill.Parse(text);
                fills[name] = fill;
            }

            var chain = p.GetValue(provider) is { } named ? BenchOptions.Chain(named) : InferenceOptions.DefaultProviders;
            return RunAsync(
                new BenchOptions(p.GetRequiredValue(models), p.GetValue(threads), p.GetValue(runs), p.GetValue(warmup), chain, p.GetValue(profile), p.GetValue(json), shapes, fills, p.GetValue(inputs), p.GetValue(perLayer)),
                p.InvocationConfiguration.Output,
                p.InvocationConfiguration.Error,
                ct);
        });
        return command;
    }

    private static void Check(OptionResult result, Action<string> parse)
    {
        foreach (var token in result.Tokens)
        {
            try
            {
                parse(token.Value);
            }
            catch (ArgumentException ex)
            {
                result.AddError(ex.Message);
            }
        }
    }

    /// <summary>Measures as <paramref name="options"/> say. Returns the exit code: 0 done, 1 failed, 64 options the model contradicts.</summary>
    internal static async Task<int> RunAsync(BenchOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var report = await Task.Run(() => Bench(options, stderr, cancellationToken), cancellationToken);
            await stdout.WriteLineAsync(options.Json ? JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchReport) : Format(report));
            return ExitCodes.Success;
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"edgenode bench: {ex.Message}");
            await stderr.WriteLineAsync("Try 'edgenode bench --help'.");
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
                var prefix = options.Profile || options.PerLayer ? Path.Combine(Path.GetTempPath(), $"edgenode-profile-{Environment.ProcessId}-{sessions.Count}") : null;
                sessions.Add(new ModelSession(model.Bytes, new SessionSettings(options.Threads, options.Providers, prefix), logger));
            }

            var stats = LatencyMeter.MeasureInterleaved(sessions, [.. models.Select(m => m.Sample)], options.Warmup, options.Runs, new SynchronousProgress(m => stderr.WriteLine(m)), cancellationToken);
            var results = models.Select((m, i) =>
            {
                var (ops, layers) = options.Profile || options.PerLayer ? Profile(sessions[i]) : (null, null);
                return new BenchModelResult(
                    m.Path, new FileInfo(m.Path).Length, sessions[i].CreationTime.TotalMilliseconds, stats[i], options.Profile ? ops : null, m.Inputs, options.PerLayer ? layers : null);
            }).ToList();
            using var process = Process.GetCurrentProcess();
            return new BenchReport(
                sessions[0].Provider.ToLowerInvariant(), options.Threads, options.Warmup, results,
                results.Count >= 2 ? results[0].Latency.P50Ms / results[1].Latency.P50Ms : null, process.PeakWorkingSet64,
                [.. results.Skip(1).Select(m => results[0].Latency.P50Ms / m.Latency.P50Ms)]);
        }
        finally
        {
            sessions.ForEach(s => s.Dispose());
            if (options.Profile || options.PerLayer)
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

    private static (IReadOnlyList<OpTime> Ops, IReadOnlyList<LayerTime> Layers) Profile(ModelSession session)
    {
        var path = session.EndProfiling();
        try
        {
            return (OpProfile.Summarize(path), LayerProfile.Read(path));
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
            var cumulative = 0.0;
            var total = m.Layers?.Sum(l => l.MsPerRun) ?? 0;
            lines.AddRange((m.Layers ?? []).Select(l => string.Create(c, $"  layer {l.Node,-48} {l.Op,-20} {l.MsPerRun,8:F3} ms/run {(cumulative += l.MsPerRun) / total,7:P1} cumulative")));
        }

        for (var i = 0; i < (r.Ratios?.Count ?? 0); i++)
        {
            lines.Add(string.Create(c, $"ratio (p50 first / {(i == 0 ? "second" : "third")}): {r.Ratios![i]:F2}x"));
        }

        lines.Add(string.Create(c, $"peak RSS: {r.PeakRssBytes / (1024.0 * 1024.0):F0} MiB"));
        return string.Join('\n', lines);
    }
}
