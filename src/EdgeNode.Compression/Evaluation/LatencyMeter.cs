using System.Diagnostics;
using EdgeNode.Compression.Inputs;

namespace EdgeNode.Compression.Evaluation;

/// <summary>Times models in the same process, interleaving their runs so that both see the same machine state.</summary>
internal static class LatencyMeter
{
    /// <summary>Times each model on its own sample (<paramref name="inputs"/>[i] feeds <paramref name="models"/>[i]).</summary>
    public static IReadOnlyList<LatencyStats> MeasureInterleaved(
        IReadOnlyList<ModelSession> models,
        IReadOnlyList<InputSample> inputs,
        int warmup,
        int runs,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var prepared = models.Select((m, i) => m.Prepare(inputs[i])).ToArray();
        try
        {
            for (var w = 0; w < warmup; w++)
            {
                foreach (var run in prepared)
                {
                    run.Run();
                }
            }

            var samples = models.Select(_ => new List<double>(runs)).ToArray();
            for (var r = 0; r < runs; r++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (var m = 0; m < prepared.Length; m++)
                {
                    var started = Stopwatch.GetTimestamp();
                    prepared[m].Run();
                    samples[m].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                if ((r + 1) % 20 == 0 || r + 1 == runs)
                {
                    progress?.Report($"timing: {r + 1}/{runs}");
                }
            }

            return [.. samples.Select(LatencyStats.From)];
        }
        finally
        {
            foreach (var run in prepared)
            {
                run.Dispose();
            }
        }
    }
}
