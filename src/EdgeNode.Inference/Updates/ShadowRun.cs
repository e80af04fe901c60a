using System.Numerics.Tensors;
using EdgeNode.Common;
using EdgeNode.Core;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference.Updates;

/// <summary>Runs a candidate model beside the current one on cached frames and compares their embeddings and head predictions.</summary>
public static class ShadowRun
{
    /// <summary>
    /// Embeds every frame with both engines. Frames the pre-processor cannot decode are skipped. The head is the active
    /// one, applied to both embeddings (frames where it gives the current embedding no label do not count).
    /// </summary>
    /// <exception cref="ModelUpdateException"><c>shadow_rejected</c>: the candidate failed a frame or returned NaN or infinity.</exception>
    public static ShadowReport Compare(IInferenceEngine current, IInferenceEngine candidate, IReadOnlyList<Frame> frames, IEmbeddingClassifier head)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(head);
        var size = candidate.Model.EmbeddingSize;
        var before = new float[size];
        var after = new float[size];
        double cosines = 0;
        int compared = 0, labelled = 0, agreed = 0;
        foreach (var frame in frames)
        {
            try
            {
                current.Embed(frame, before);
            }
            catch (InvalidDataException)
            {
                continue;
            }

            try
            {
                candidate.Embed(frame, after);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelUpdateException(ModelUpdateErrors.ShadowRejected, $"The new model failed on cached frame {frame.Sequence}: {ex.Message}", ex);
            }

            if (!EmbeddingGuard.IsFinite(after))
            {
                throw new ModelUpdateException(ModelUpdateErrors.ShadowRejected, $"The new model returned NaN or infinity on cached frame {frame.Sequence}.");
            }

            // A zero embedding has no direction: it counts as no agreement rather than NaN.
            var cosine = TensorPrimitives.CosineSimilarity(before, after);
            cosines += float.IsFinite(cosine) ? cosine : 0;
            compared++;
            if (head.Classify(before) is { } was)
            {
                labelled++;
                agreed += head.Classify(after)?.Label == was.Label ? 1 : 0;
            }
        }

        return new ShadowReport(compared, compared > 0 ? cosines / compared : null, labelled > 0 ? (double)agreed / labelled : null);
    }
}
