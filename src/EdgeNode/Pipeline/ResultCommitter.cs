using System.Threading.Channels;
using EdgeNode.Outbox;

namespace EdgeNode.Pipeline;

/// <summary>
/// The storing stage: results leave the inference loop through a short bounded queue and are committed to the outbox in
/// small group commits (whatever has queued, up to <see cref="MaxBatch"/>, in one transaction), in order, each committed
/// before the publisher can see it. A full queue makes the loop wait (capture still drops the oldest frames).
/// </summary>
internal sealed class ResultCommitter(MessageWriter writer, ILogger logger)
{
    /// <summary>Most results per transaction: small, so a result waits at most one short commit.</summary>
    public const int MaxBatch = 16;

    private readonly Channel<InferenceResult> _queue = Channel.CreateBounded<InferenceResult>(
        new BoundedChannelOptions(4 * MaxBatch) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Hands <paramref name="result"/> over; never cancelled, so a result taken is a result stored (or reported).</summary>
    public ValueTask AddAsync(InferenceResult result) => _queue.Writer.WriteAsync(result, CancellationToken.None);

    /// <summary>No more results: <see cref="RunAsync"/> ends once the queue is stored.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Stores results until <see cref="Complete"/> and the queue is empty.</summary>
    public async Task RunAsync()
    {
        var batch = new List<PendingMessage>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            long first = 0;
            long last = 0;
            while (batch.Count < MaxBatch && reader.TryRead(out var result))
            {
                first = batch.Count == 0 ? result.Seq : first;
                last = result.Seq;
                batch.Add(writer.Create(MessageKind.Result, writer.Topics.Results, result.Id, result.Timestamp, result.Seq, result, ResultJson.WriteBody));
            }

            try
            {
                await writer.AppendAsync(batch).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Full disk or I/O error: the store counts and reports it; the node keeps running.
                NodeLog.PipelineStoreFailed(logger, first, last, ex.Message);
            }

            batch.Clear();
        }
    }
}
