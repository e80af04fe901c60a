using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Inference;

/// <summary>
/// <c>IntraOpThreads=auto</c>: opens the model with 1…cores intra-op threads (stopping once two more threads in a row
/// gave no gain), times a few runs of each and keeps the fastest. On shared or hyper-threaded CPUs one thread often beats two, and only a measurement on the board says so.
/// </summary>
internal static class ThreadTuner
{
    // Enough runs for a mean that separates thread counts, few enough that start-up stays short.
    private const int TimedRuns = 5;

    /// <summary>Opens a candidate per thread count through <paramref name="open"/>, keeps the fastest and disposes the rest.</summary>
    public static OnnxInferenceEngine Choose(Func<int, OnnxInferenceEngine> open, int cores, int warmupRuns, ILogger logger, string modelId)
    {
        var counts = Math.Clamp(cores, 1, 64);
        var means = new List<double>(counts);
        OnnxInferenceEngine? best = null;
        var bestThreads = 0;
        try
        {
            // Stops once two more threads in a row gave no gain: on a many-core board the rest would only lengthen the start.
            for (var threads = 1; threads <= counts && threads - bestThreads <= 2; threads++)
            {
                var candidate = open(threads);
                try
                {
                    candidate.WarmUp(warmupRuns);
                    means.Add(Math.Round(candidate.MeanRunMs(TimedRuns), 3));
                }
                catch
                {
                    candidate.Dispose();
                    throw;
                }

                if (best is null || means[threads - 1] < means[bestThreads - 1])
                {
                    best?.Dispose();
                    best = candidate;
                    bestThreads = threads;
                }
                else
                {
                    candidate.Dispose();
                }
            }
        }
        catch
        {
            best?.Dispose();
            throw;
        }

        best!.SetThreads(new ThreadChoice(bestThreads, Tuned: true, means));
        Log.ThreadsTuned(logger, modelId, bestThreads, string.Join(", ", means.Select((m, i) => $"{i + 1}: {m:F2} ms")));
        return best;
    }
}
