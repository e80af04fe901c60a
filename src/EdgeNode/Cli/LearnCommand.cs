using System.Buffers;
using System.CommandLine;
using System.Diagnostics;
using System.Text;
using EdgeNode.Inference;
using EdgeNode.Learning;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Cli;

/// <summary>
/// <c>edgenode learn</c>: trains a head on a labelled folder tree exactly as the node does, prints test
/// accuracy next to a full-batch L-BFGS reference, and with <c>--tasks</c> the class-incremental comparison.
/// </summary>
internal static class LearnCommand
{
    /// <summary>The <c>learn</c> verb.</summary>
    public static Command Create() => LearnArguments.CreateCommand(Execute);

    private static int Execute(LearnArguments parsed, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            return Run(parsed, stdout, stderr, cancellationToken);
        }
        catch (ModelLoadException ex)
        {
            stderr.WriteLine("edgenode learn: cannot load the backbone: " + ex.Message);
            return ExitCodes.Model;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine("edgenode learn: " + ex.Message);
            return ExitCodes.Io;
        }
        catch (ArgumentException ex)
        {
            stderr.WriteLine("edgenode learn: " + ex.Message);
            return ExitCodes.Usage;
        }
    }

    private static int Run(LearnArguments a, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var trainItems = LabelledFolder.Enumerate(a.Train);
        var testItems = LabelledFolder.Enumerate(a.Test);
        using var engine = LoadBackbone(a);
        stderr.WriteLine($"backbone {engine.Model.Id} ({engine.Model.Sha256[..12]}) on {engine.Model.ExecutionProvider}");
        var cacheRoot = a.Cache ?? EmbeddingCache.DefaultRoot();
        var train = FolderEmbedder.Embed(engine, a.Train, trainItems, cacheRoot, "train", stderr, cancellationToken);
        var test = FolderEmbedder.Embed(engine, a.Test, testItems, cacheRoot, "test", stderr, cancellationToken);
        var defaults = new TrainingOptions();
        var options = defaults with
        {
            Epochs = a.Epochs ?? defaults.Epochs,
            LearningRate = a.LearningRate ?? defaults.LearningRate,
            L2 = a.L2 ?? defaults.L2,
            Seed = a.Seed,
        };
        var progress = new Progress<string>(stderr.WriteLine);
        var results = new List<(string Name, double Value)>();

        var head = new HeadModel(train.Dimension, a.Hidden, a.Seed);
        var report = HeadTrainer.Train(head, train, options, cancellationToken);
        var accuracy = HeadEvaluator.Accuracy(head, test);
        stdout.WriteLine(FormattableString.Invariant($"head: {(a.Hidden > 0 ? $"mlp({a.Hidden})" : "linear")}, {train.Count} train / {test.Count} test samples, {train.Classes.Count} classes, {options.Epochs} epochs of Adam (batch {options.BatchSize}, lr {options.LearningRate}, l2 {options.L2}) in {report.Elapsed.TotalSeconds:F2} s"));
        stdout.WriteLine(FormattableString.Invariant($"accuracy {accuracy:F4}"));

        var started = Stopwatch.GetTimestamp();
        var (reference, fit) = FullBatchLogisticRegression.Fit(train, options.L2, cancellationToken: cancellationToken);
        var referenceAccuracy = HeadEvaluator.Accuracy(reference, test);
        stdout.WriteLine(FormattableString.Invariant($"reference (full-batch L-BFGS, same L2): accuracy {referenceAccuracy:F4}, {fit.Iterations} iterations, loss {fit.Loss:F5}, |grad|max {fit.GradientNorm:E1}, {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
        results.Add(("accuracy_reference", referenceAccuracy));
        results.Add(("accuracy_head", accuracy));

        IncrementalReport? incremental = null;
        if (a.Tasks > 0)
        {
            incremental = ClassIncrementalRun.Run(train, test, a.Tasks, a.Replay, options with { Proximal = a.Proximal ?? options.Proximal }, a.Hidden, progress, cancellationToken);
            stdout.WriteLine(FormattableString.Invariant($"class-incremental, {incremental.Tasks} tasks, replay {incremental.ReplayPerClass}/class: accuracy {incremental.AccuracyIncremental:F4}; without replay {incremental.AccuracyNoReplay:F4}; joint {incremental.AccuracyJoint:F4}"));
        }

        var kinds = LearnHeadKinds.Run(train, test, options, a, head, report.Elapsed.TotalSeconds, incremental, progress, cancellationToken);
        foreach (var k in kinds)
        {
            stdout.WriteLine(LearnOutput.Line(k, a.Head));
        }

        // The top-level fields describe the default head kind (--head); accuracy_no_replay stays the softmax head's.
        var chosen = kinds.First(k => k.Kind == a.Head);
        accuracy = chosen.Incremental ?? chosen.Accuracy;
        results[1] = ("accuracy_head", chosen.Accuracy);
        if (incremental is not null)
        {
            results.Add(("accuracy_incremental", chosen.Incremental!.Value));
            results.Add(("accuracy_no_replay", incremental.AccuracyNoReplay));
            results.Add(("accuracy_joint", chosen.Joint!.Value));
        }

        if (a.Json)
        {
            stdout.WriteLine(Json(accuracy, results, a, report, kinds));
        }

        return ExitCodes.Success;
    }

    private static OnnxInferenceEngine LoadBackbone(LearnArguments a)
    {
        var options = new InferenceOptions { ModelsPath = a.Models, Providers = ["CPU"], WarmupRuns = 1 };
        if (a.Backbone is null)
        {
            return OnnxInferenceEngine.Load(options, NullLogger.Instance);
        }

        // The manifest supplies tensor names and pre-processing; an unlisted file is taken as given (its own hash).
        var directory = OnnxInferenceEngine.ResolveModelsPath(options.ModelsPath);
        var manifest = ModelManifest.Load(directory);
        var path = Path.GetFullPath(a.Backbone);
        var entry = manifest.Models.FirstOrDefault(m => string.Equals(Path.GetFullPath(Path.Combine(directory, m.File)), path, StringComparison.Ordinal))
            ?? manifest.Models[0] with { Id = Path.GetFileNameWithoutExtension(path), File = path, Sha256 = ModelManifest.ComputeSha256(path) };
        return OnnxInferenceEngine.Load(directory, entry, options, NullLogger.Instance);
    }

    private static string Json(double accuracy, List<(string Name, double Value)> results, LearnArguments a, TrainingReport report, IReadOnlyList<HeadKindResult> kinds)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps the '+' of "discriminant+softmax" readable; the values are plain ASCII names and numbers.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("accuracy", Math.Round(accuracy, 4));
            foreach (var (name, value) in results)
            {
                w.WriteNumber(name, Math.Round(value, 4));
            }

            if (a.Tasks > 0)
            {
                w.WriteNumber("tasks", a.Tasks);
                w.WriteNumber("replay", a.Replay);
            }

            w.WriteString("head", a.Hidden > 0 ? "mlp" : "linear");
            w.WriteNumber("train_sample_epochs_per_s", Math.Round(report.SampleEpochsPerSecond));
            LearnOutput.WriteKinds(w, a.Head, kinds);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
