using System.Buffers;

namespace EdgeNode.Core;

/// <summary>
/// One captured image. The pixel buffer is rented from <see cref="ArrayPool{T}.Shared"/> and returned
/// on <see cref="Dispose"/>, so a steady frame stream allocates nothing per frame.
/// </summary>
public sealed class Frame : IDisposable
{
    private byte[]? _buffer;

    private Frame(long sequence, DateTimeOffset timestamp, int width, int height, FrameFormat format, byte[] buffer, int length)
    {
        Sequence = sequence;
        Timestamp = timestamp;
        Width = width;
        Height = height;
        Format = format;
        _buffer = buffer;
        Length = length;
    }

    /// <summary>Per-source increasing frame number.</summary>
    public long Sequence { get; }

    /// <summary>When the frame was captured (UTC).</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Width in pixels (0 when unknown until a JPEG is decoded).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (0 when unknown until a JPEG is decoded).</summary>
    public int Height { get; }

    /// <summary>How <see cref="Data"/> is laid out.</summary>
    public FrameFormat Format { get; }

    /// <summary>Number of valid bytes in the buffer.</summary>
    public int Length { get; }

    /// <summary>The frame's bytes; invalid after <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Data => (_buffer ?? throw new ObjectDisposedException(nameof(Frame))).AsSpan(0, Length);

    /// <summary>Rents a buffer of <paramref name="length"/> bytes that the caller fills through <paramref name="fill"/>.</summary>
    public static Frame Create<TState>(long sequence, DateTimeOffset timestamp, int width, int height, FrameFormat format, int length, TState state, SpanAction<byte, TState> fill)
    {
        ArgumentNullException.ThrowIfNull(fill);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        fill(buffer.AsSpan(0, length), state);
        return new Frame(sequence, timestamp, width, height, format, buffer, length);
    }

    /// <summary>Copies <paramref name="data"/> into a pooled buffer.</summary>
    public static Frame Copy(long sequence, DateTimeOffset timestamp, int width, int height, FrameFormat format, ReadOnlySpan<byte> data)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        data.CopyTo(buffer);
        return new Frame(sequence, timestamp, width, height, format, buffer, data.Length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
