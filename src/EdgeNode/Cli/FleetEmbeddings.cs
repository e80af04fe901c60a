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
        return (FolderEmbedder.Embed(engine, trainFolder, trainItems, root, trainFolder, stderr, cancellationToken), FolderEmbedder.Embed(engine, testFolder, testItems, root, testFolder, stderr, cancellationToken));
    }
}
