using System.Diagnostics;
using EdgeNode.Inference;
using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>Embeds a labelled folder through the per-backbone embedding cache: the one loop behind <c>learn</c> and <c>simulate-fleet</c>.</summary>
internal static class FolderEmbedder
{
    /// <summary>
    /// Embeds <paramref name="items"/> (from <paramref name="folder"/>) with <paramref name="engine"/>, taking what the
    /// per-backbone cache under <paramref name="cacheRoot"/> already holds; progress on <paramref name="stderr"/> as <paramref name="what"/>.
    /// </summary>
    public static SampleSet Embed(OnnxInferenceEngine engine, string folder, IReadOnlyList<(string Label, string Path)> items, string cacheRoot, string what, TextWriter stderr, CancellationToken cancellationToken)
    {
        var dimension = engine.Model.EmbeddingSize;
        var cache = EmbeddingCache.Open(cacheRoot, engine.Model.Sha256, folder, dimension);
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
                var bytes = File.ReadAllBytes(path);
                using var frame = Frame.Copy(i, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, bytes);
                engine.Embed(frame, embedding);
                cache.Put(path, embedding);
                computed++;
                if (computed % 100 == 0)
                {
                    stderr.WriteLine(FormattableString.Invariant($"embedding {what}: {i + 1}/{items.Count} ({computed / Stopwatch.GetElapsedTime(started).TotalSeconds:F0} images/s)"));
                }
            }

            set.Add(embedding, label);
        }

        cache.Save();
        stderr.WriteLine($"{what}: {items.Count} images, {set.Classes.Count} classes ({items.Count - computed} embeddings from the cache)");
        return set;
    }
}
