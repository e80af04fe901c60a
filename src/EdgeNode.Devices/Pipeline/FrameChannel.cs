using System.Threading.Channels;
using EdgeNode.Core;

namespace EdgeNode.Devices.Pipeline;

/// <summary>
/// A bounded frame queue between capture and inference. When full, the oldest frame is dropped,
/// disposed (its pooled buffer returned) and counted, so capture never waits for a slow consumer.
/// </summary>
public sealed class FrameChannel : IDisposable
{
    private readonly Channel<Frame> _channel;
    private long _dropped;

    /// <summary>Creates a queue that holds at most <paramref name="capacity"/> frames.</summary>
    public FrameChannel(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _channel = Channel.CreateBounded<Frame>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = false,
                SingleWriter = false,
            },
            OnDropped);
    }

    /// <summary>Maximum number of queued frames.</summary>
    public int Capacity { get; }

    /// <summary>Frames dropped because the queue was full (for telemetry).</summary>
    public long DroppedFrames => Interlocked.Read(ref _dropped);

    /// <summary>Frames waiting now.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>The consumer side; the consumer disposes every frame it reads.</summary>
    public ChannelReader<Frame> Reader => _channel.Reader;

    /// <summary>
    /// Queues <paramref name="frame"/> without waiting, dropping the oldest queued frame when full. Returns
    /// false (and disposes the frame) once the channel is completed.
    /// </summary>
    public bool Write(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_channel.Writer.TryWrite(frame))
        {
            return true;
        }

        frame.Dispose();
        return false;
    }

    /// <summary>
    /// Copies every frame of <paramref name="source"/> into the queue until the source ends or
    /// <paramref name="cancellationToken"/> fires; completes the channel at the end (with the error, if any).
    /// </summary>
    public async Task PumpAsync(IFrameSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        Exception? error = null;
        try
        {
            await foreach (var frame in source.ReadFramesAsync(cancellationToken).WithCancellation(cancellationToken))
            {
                Write(frame);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal shutdown.
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            _channel.Writer.TryComplete(error);
        }
    }

    /// <summary>Completes the channel and disposes the frames still queued.</summary>
    public void Dispose()
    {
        _channel.Writer.TryComplete();
        while (_channel.Reader.TryRead(out var frame))
        {
            frame.Dispose();
        }
    }

    private void OnDropped(Frame frame)
    {
        Interlocked.Increment(ref _dropped);
        frame.Dispose();
    }
}
