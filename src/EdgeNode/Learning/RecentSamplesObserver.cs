using EdgeNode.Pipeline;

namespace EdgeNode.Learning;

/// <summary>Remembers each result's embedding (and, with <c>StoreImages</c>, its frame: encoded to JPEG only when a label asks for it) so a label can name it.</summary>
internal sealed class RecentSamplesObserver(RecentEmbeddings embeddings, RecentImages images) : IFrameObserver
{
    public void OnFrame(Frame frame, in FrameOutcome outcome)
    {
        if (outcome.Result is not { } result)
        {
            return;
        }

        // The image before the embedding: a label that can find the result must also find its image.
        if (images.Enabled)
        {
            images.Record(result.Id, frame);
        }

        embeddings.Record(result.Id, frame.Timestamp, outcome.Embedding, result.ModelId);
    }
}
