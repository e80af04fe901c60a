using System.Diagnostics;
using System.Globalization;
using EdgeNode.Core;
using EdgeNode.Inference;
using EdgeNode.Learning;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Benchmarks;

/// <summary>
/// Inference latency with and without head training running beside it, as the node runs it (a SCHED_IDLE, nice-19 thread,
/// <see cref="LowPriorityWork"/>, pausing while an inference runs unless <c>ungated</c>): alternating phases of
/// <c>iterations</c> inferences started every <c>period-ms</c> (0: back to back), p50/p95 per phase, ratio of the pooled
/// p95s. <c>dotnet run -c Release --project tests/EdgeNode.Benchmarks -- training-interference [models-dir] [model-id]
/// [iterations] [phases] [period-ms] [gated|ungated] [epochs-per-run]</c>. Epochs per run default to the node's
/// (<see cref="TrainingOptions.Epochs"/>); the GC is the node's (workstation, non-concurrent).
/// </summary>
internal static class TrainingInterferenceBenchmark
{
    public static int Run(string[] args, TextWriter output)
    {
        var modelsDir = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.GetFullPath("src/EdgeNode/bin/Release/net10.0/models");
        var manifest = ModelManifest.Load(modelsDir);
        var modelId = args.Length > 1 ? args[1] : manifest.Models[0].Id;
        var iterations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
        var phases = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 6;
        var periodMs = args.Length > 4 ? double.Parse(args[4], CultureInfo.InvariantCulture) : 0;
        var gated = args.Length <= 5 || args[5] != "ungated";
        var epochsPerRun = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : new TrainingOptions().Epochs;
        using var engine = OnnxInferenceEngine.Load(new InferenceOptions { ModelsPath = modelsDir, Model = modelId, Providers = ["CPU"] }, NullLogger.Instance);
        var tensor = new float[engine.Preprocessor.TensorLength];
        new Random(3).NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.AsSpan()));
        for (var i = 0; i < tensor.Length; i++)
        {
            tensor[i] = (tensor[i] % 1f) * 100f; // finite values in the model's input range
            if (!float.IsFinite(tensor[i]))
            {
                tensor[i] = 0;
            }
        }

        var embedding = new float[engine.Model.EmbeddingSize];
        for (var i = 0; i < 10; i++)
        {
            engine.EmbedTensor(tensor, embedding);
        }

        var data = Samples(engine.Model.EmbeddingSize);
        using var activity = new InferenceActivity();
        var alone = new List<double>();
        var training = new List<double>();
        long trainedEpochs = 0;
        for (var phase = 0; phase < phases; phase++)
        {
            var withTraining = phase % 2 == 1;
            using var stop = new CancellationTokenSource();
            var trainer = withTraining
                ? LowPriorityWork.RunAsync("head-training", () =>
                {
                    long epochs = 0;
                    var options = new TrainingOptions { Epochs = epochsPerRun, BatchSize = 64, Optimizer = OptimizerKind.Adam, BetweenBatches = gated ? activity.WaitWhileBusy : null };
                    while (!stop.IsCancellationRequested)
                    {
                        HeadTrainer.Train(new HeadModel(data.Dimension), data, options);
                        epochs += options.Epochs;
                    }

                    return epochs;
                })
                : Task.FromResult(0L);
            if (withTraining)
            {
                Thread.Sleep(200); // training is under way before timing
            }

            var latencies = withTraining ? training : alone;
            for (var i = 0; i < iterations; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                activity.Begin();
                engine.EmbedTensor(tensor, embedding);
                activity.End();
                var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                latencies.Add(ms);
                if (periodMs > ms)
                {
                    Thread.Sleep(TimeSpan.FromMilliseconds(periodMs - ms)); // a camera's frame period
                }
            }

            stop.Cancel();
            trainedEpochs += trainer.GetAwaiter().GetResult();
        }

        var a = Percentiles(alone);
        var t = Percentiles(training);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model {modelId}, {phases} alternating phases of {iterations} inferences every {periodMs} ms, training on a SCHED_IDLE, nice-19 thread, {(gated ? "paused while an inference runs" : "not paused")} ({trainedEpochs} epochs of {data.Count} samples done in runs of {epochsPerRun} epochs; {GC.CollectionCount(0)} collections, {GC.CollectionCount(2)} of them gen 2)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alone:         p50 {a.P50:F2} ms, p95 {a.P95:F2} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"with training: p50 {t.P50:F2} ms, p95 {t.P95:F2} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p95 ratio with/without training: {t.P95 / a.P95:F3} (target <= 1.20)"));
        return 0;
    }

    private static SampleSet Samples(int dimension)
    {
        var random = new Random(7);
        var data = new SampleSet(dimension, 2000);
        var row = new float[dimension];
        for (var i = 0; i < 2000; i++)
        {
            for (var j = 0; j < dimension; j++)
            {
                row[j] = (float)random.NextDouble();
            }

            data.Add(row, "c" + (i % 10).ToString(CultureInfo.InvariantCulture));
        }

        return data;
    }

    private static (double P50, double P95) Percentiles(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return (sorted[sorted.Length / 2], sorted[(int)Math.Ceiling(0.95 * sorted.Length) - 1]);
    }
}
