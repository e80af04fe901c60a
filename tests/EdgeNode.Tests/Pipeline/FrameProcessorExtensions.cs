using EdgeNode.Core;
using EdgeNode.Pipeline;

namespace EdgeNode.Tests.Pipeline;

/// <summary>
/// One frame through the processor on the calling thread, through the same Begin, Embed and Finish the pipeline's
/// loop calls (the node itself always overlaps frames; tests want one outcome at a time).
/// </summary>
internal static class FrameProcessorExtensions
{
    /// <summary>Processes <paramref name="frame"/> of <paramref name="lane"/> as result <paramref name="seq"/>; null when it could not be processed.</summary>
    public static InferenceResult? Process(this FrameProcessor processor, CameraLane lane, Frame frame, long seq)
    {
        var size = processor.Model.EmbeddingSize;
        var job = new FrameJob(size, processor.Embed);
        job.Reset(lane, frame, size);
        try
        {
            processor.Begin(job);
            if (job.Input is not null)
            {
                job.Pending = Task.FromResult(processor.Embed(job));
            }

            return processor.Finish(job, seq);
        }
        catch (InvalidDataException ex)
        {
            job.Error = ex.Message;
            job.Pending = null;
            return processor.Finish(job, seq);
        }
        finally
        {
            job.Input = null;
            job.Cropped?.Dispose();
            job.Decoded?.Dispose();
        }
    }
}
