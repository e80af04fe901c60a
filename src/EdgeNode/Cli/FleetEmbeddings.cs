using System.Diagnostics;
using EdgeNode.Core;
using EdgeNode.Inference;
using EdgeNode.Learning;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Cli;

/// <summary>Embeds labelled folders with the manifest's backbone through the same per-backbone cache as <c>edgenode learn</c>, so a fleet simulation embeds each image once.</summary>
internal static class FleetEmbeddings
{
    public static (SampleSet Train, SampleSet Test) Load(string trainFolder, string testFolder, string models, string? cacheRoot, TextWriter stderr, CancellationToken cancellationToken)
    {
        var trainItems = LabelledFolder.Enumerate(trainFolder);
        var testItems = LabelledFolder.Enumerate(testFolder);
        using var engine = OnnxInferenceEngine.Load(new InferenceOptions { ModelsPath = models, Providers = ["CPU"], WarmupRuns = 1 }, NullLogger.Instance);
        var root = cacheRoot ?? EmbeddingCache.DefaultRoot();
        return (Embed(engine, trainFolder, trainItems, root, stderr, cancellationToken), Embed(engine, testFolder, testItems, root, stderr, cancellationToken));
    }

    private static SampleSet Embed(OnnxInferenceEngine engine, string folder, IReadOnlyList<(string Label, string Path)> items, string root, TextWriter stderr, CancellationToken cancellationToken)
    {
        var dimension = engine.Model.EmbeddingSize;
        var cache = EmbeddingCache.Open(root, engine.Model.Sha256, folder, dimension);
        var set = new SampleSet(dimension, items.Count);
        var computed = 0;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < items.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (label, path) = items[i];
            if (!cache.TryGet(path, out var embedding))
            {
                embedding = new float[dimension];
                using var frame = Frame.Copy(i, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, File.ReadAllBytes(path));
                engine.Embed(frame, embedding);
                cache.Put(path, embedding);
                if (++computed % 200 == 0)
                {
                    stderr.WriteLine(FormattableString.Invariant($"embedding {folder}: {i + 1}/{items.Count} ({computed / Stopwatch.GetElapsedTime(started).TotalSeconds:F0} images/s)"));
                }
            }

            set.Add(embedding, label);
        }

        cache.Save();
        stderr.WriteLine($"{folder}: {items.Count} images, {set.Classes.Count} classes ({items.Count - computed} from the cache)");
        return set;
    }
}
