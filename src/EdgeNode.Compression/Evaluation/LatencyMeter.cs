using System.Diagnostics;

namespace EdgeNode.Compression.Evaluation;

/// <summary>Times models in the same process, interleaving their runs so that both see the same machine state.</summary>
internal static class LatencyMeter
{
    public static IReadOnlyList<LatencyStats> MeasureInterleaved(
        IReadOnlyList<OrtModel> models,
        int warmup,
        int runs,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var random = new Random(7);
        var inputs = models.Select(m =>
        {
            var input = new float[m.InputLength];
            for (var i = 0; i < input.Length; i++)
            {
                input[i] = (float)((random.NextDouble() * 2) - 1);
            }

            return input;
        }).ToArray();
        for (var w = 0; w < warmup; w++)
        {
            for (var m = 0; m < models.Count; m++)
            {
                models[m].Run(inputs[m]);
            }
        }

        var samples = models.Select(_ => new List<double>(runs)).ToArray();
        for (var r = 0; r < runs; r++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var m = 0; m < models.Count; m++)
            {
                var started = Stopwatch.GetTimestamp();
                models[m].Run(inputs[m]);
                samples[m].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            if ((r + 1) % 20 == 0 || r + 1 == runs)
            {
                progress?.Report($"timing: {r + 1}/{runs}");
            }
        }

        return [.. samples.Select(LatencyStats.From)];
    }
}
