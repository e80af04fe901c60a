using System.Diagnostics;
using System.Globalization;
using EdgeNode.Learning;

namespace EdgeNode.Benchmarks;

/// <summary>
/// Linear-head training throughput (512-d, 10 classes, mini-batch 64, Adam) in sample-epochs per second on the
/// calling thread: the issue's target is ≥ 1,000,000 on one core. Median of several timed runs after warm-up.
/// </summary>
internal static class HeadTrainingBenchmark
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var hidden = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
        const int dimension = 512;
        const int classes = 10;
        const int samples = 5000;
        var random = new Random(7);
        var data = new SampleSet(dimension, samples);
        var row = new float[dimension];
        for (var i = 0; i < samples; i++)
        {
            var c = i % classes;
            for (var j = 0; j < dimension; j++)
            {
                row[j] = (float)((random.NextDouble() * 2) - 1) + (j % classes == c ? 1.5f : 0f);
            }

            data.Add(row, "c" + c.ToString(CultureInfo.InvariantCulture));
        }

        var options = new TrainingOptions { Epochs = 10, BatchSize = 64, Optimizer = OptimizerKind.Adam };

        // Warm-up lets tiered compilation reach its optimised code before timing.
        for (var i = 0; i < 3; i++)
        {
            HeadTrainer.Train(new HeadModel(dimension, hidden), data, options);
        }

        var rates = new List<double>();
        var cpuRates = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < 7; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var report = HeadTrainer.Train(new HeadModel(dimension, hidden), data, options);
            process.Refresh();
            rates.Add(report.SampleEpochsPerSecond);

            // CPU time excludes the time the thread waited for a core on a shared machine.
            cpuRates.Add(report.Samples * (double)report.Epochs / (process.TotalProcessorTime - cpu).TotalSeconds);
        }

        rates.Sort();
        cpuRates.Sort();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"head {(hidden > 0 ? $"mlp({hidden})" : "linear")} 512-d, 10 classes, batch 64, Adam, one thread: wall clock median {rates[rates.Count / 2]:N0} sample-epochs/s (max {rates[^1]:N0}); per CPU second median {cpuRates[cpuRates.Count / 2]:N0} (max {cpuRates[^1]:N0})"));
        return 0;
    }
}
