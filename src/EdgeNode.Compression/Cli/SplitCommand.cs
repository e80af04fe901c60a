using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeNode.Common;
using EdgeNode.Compression.Split;

namespace EdgeNode.Compression.Cli;

/// <summary>
/// <c>edgenode split &lt;model.onnx&gt; --at &lt;tensor&gt;|auto -o &lt;dir&gt; [--link-mbps M] [--peer-speed F] [--objective throughput|latency] [--json]</c>:
/// cuts a model into a head and a tail for split inference (docs/split.md).
/// </summary>
public static class SplitCommand
{
    /// <summary>The <c>split</c> verb: its flags, checks and help, parsed into <see cref="SplitSettings"/>.</summary>
    public static Command Create()
    {
        var model = new Argument<string>("model.onnx") { Description = "The whole model (one float image input)." }.NoFlags();
        var at = new Option<string>("--at") { Description = "The tensor to cut at (one of the offered cuts), jpeg (JPEG offload: no head, tail.onnx is the whole model), or auto: the best predicted cut for --objective.", Required = true, HelpName = "tensor|jpeg|auto" };
        var output = new Option<string>("--output", "-o") { Description = "Folder for head.onnx, tail.onnx and split.json (created if missing).", Required = true, HelpName = "dir" };
        var link = new Option<double>("--link-mbps") { Description = "The link's bandwidth in Mbit/s.", DefaultValueFactory = _ => 100, HelpName = "M" };
        var peer = new Option<double>("--peer-speed") { Description = "How many times faster the tail board runs a layer than this board.", DefaultValueFactory = _ => 1, HelpName = "F" };
        foreach (var positive in new[] { link, peer })
        {
            positive.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<double>() is var v && !(v > 0 && double.IsFinite(v)))
                {
                    r.AddError($"{r.IdentifierToken?.Value ?? positive.Name} must be a positive number; got '{v.ToString(CultureInfo.InvariantCulture)}'.");
                }
            });
        }

        var objective = new Option<string>("--objective") { Description = "What auto maximises: pipelined throughput (the slowest stage) or minimal frame latency.", DefaultValueFactory = _ => "throughput" };
        objective.AcceptOnlyFromAmong("throughput", "latency");
        var calibration = new Option<string?>("--calibration") { Description = "Images for the activation's int8 scale and zero point and the fidelity check (default: random inputs).", HelpName = "dir" };
        var count = new Option<int>("--calibration-count") { Description = "Calibration images used.", DefaultValueFactory = _ => 8, HelpName = "N" }.Positive();
        var jpeg = new Option<long?>("--jpeg-bytes") { Description = "Bytes of one encoded frame for the JPEG-offload candidate (default: the calibration images' mean size).", HelpName = "N" };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads when measuring layer times.", DefaultValueFactory = _ => 1, HelpName = "N" }.Positive();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("split", "Cut a model into a head and a tail at a tensor (or the best predicted cut) for split inference, and list every cut on offer.")
        {
            model, at, output, link, peer, objective, calibration, count, jpeg, threads, json,
        };
        command.SetAction((p, ct) => RunAsync(
            new SplitSettings(
                p.GetRequiredValue(model), p.GetRequiredValue(at), p.GetRequiredValue(output), p.GetValue(link), p.GetValue(peer), p.GetRequiredValue(objective),
                p.GetValue(calibration), p.GetValue(count), p.GetValue(jpeg), p.GetValue(threads), Json: p.GetValue(json)),
            p.InvocationConfiguration.Output,
            p.InvocationConfiguration.Error,
            ct));
        return command;
    }

    /// <summary>Splits as <paramref name="settings"/> say. Returns the exit code: 0 done, 1 failed, 64 a cut the model does not offer (nothing written in either case).</summary>
    internal static async Task<int> RunAsync(SplitSettings settings, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            var progress = new SynchronousProgress(m => stderr.WriteLine(m));
            var report = await Task.Run(() => ModelSplitter.Run(settings, progress, cancellationToken), cancellationToken);
            await stdout.WriteLineAsync(settings.Json ? JsonSerializer.Serialize(report, ReportJsonContext.Default.SplitReport) : Format(report, settings));
            return ExitCodes.Success;
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"edgenode split: {ex.Message}");
            await stderr.WriteLineAsync("Try 'edgenode split --help'.");
            return ExitCodes.Usage;
        }
        catch (CompressionException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.Failed;
        }
    }

    private static string Format(SplitReport r, SplitSettings s)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"split {r.Model} -> {r.Output}: {r.Chosen.Name}"),
            "  why: " + r.Reason,
            "  inputs: " + r.Inputs,
            string.Create(c, $"  offered ({r.Candidates.Count - 2} cuts, {s.LinkMbps:G4} Mbit/s link, {s.PeerSpeed:G3}x peer; times predicted from this board's layer profile):"),
            string.Create(c, $"    {"cut",-40} {"shape",-16} {"int8 B",10} {"fp32 B",10} {"head ms",8} {"link ms",8} {"tail ms",8} {"fps",7} {"lat ms",8}"),
        };
        lines.AddRange(r.Candidates.Select(x => string.Create(c,
            $"  {(x == r.Chosen ? '*' : ' ')} {x.Name,-40} {(x.Shape is null ? "-" : string.Join("x", x.Shape)),-16} {x.Bytes,10:N0} {(x.Kind == "tensor" ? x.Bytes * 4 : x.Bytes),10:N0} {x.HeadMs,8:F2} {x.LinkMs,8:F2} {x.TailMs,8:F2} {x.ThroughputPerSecond,7:F1} {x.LatencyMs,8:F2}")));
        if (r.Fp32Cosine is { } fp32)
        {
            lines.Add(string.Create(c, $"  chained head -> tail vs whole model on {r.Samples} inputs: min cosine {fp32:F6} fp32 activation, {r.Int8Cosine:F6} int8 activation"));
        }

        lines.Add($"  wrote {string.Join(", ", new[] { r.Manifest.Head, r.Manifest.Tail, SplitManifest.FileName }.Where(f => f is not null))}");
        return string.Join('\n', lines);
    }
}
