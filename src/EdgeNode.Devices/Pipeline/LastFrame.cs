using EdgeNode.Core;
using SkiaSharp;

namespace EdgeNode.Devices.Pipeline;

/// <summary>
/// Keeps copies of recent frames in reused buffers (no allocation per frame once the size is stable): a ring of
/// slots where the newest slot is overwritten by every frame and a new slot is started once
/// <c>spacing</c> has passed, so the older slots hold frames that differ in time rather than the same second
/// over and over. Encodes to JPEG only when a snapshot is asked for; camera JPEGs are handed out as they are.
/// </summary>
public sealed class LastFrame : ILastFrame
{
    private readonly Lock _gate = new();
    private readonly Slot[] _slots;
    private readonly TimeSpan _spacing;
    private int _newest = -1;
    private DateTimeOffset _slotStarted;

    /// <summary>Keeps only the last frame.</summary>
    public LastFrame()
        : this(1, TimeSpan.Zero)
    {
    }

    /// <summary>Keeps up to <paramref name="capacity"/> frames at least <paramref name="spacing"/> apart (by capture time).</summary>
    public LastFrame(int capacity, TimeSpan spacing)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(spacing, TimeSpan.Zero);
        _slots = new Slot[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _slots[i] = new Slot();
        }

        _spacing = spacing;
    }

    /// <inheritdoc />
    public void Update(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        lock (_gate)
        {
            // A clock that went backwards (camera restart) also starts a new slot.
            if (_newest < 0 || frame.Timestamp - _slotStarted >= _spacing || frame.Timestamp < _slotStarted)
            {
                _newest = (_newest + 1) % _slots.Length;
                _slotStarted = frame.Timestamp;
            }

            _slots[_newest].CopyFrom(frame);
        }
    }

    /// <inheritdoc />
    public FrameSnapshot? TakeJpeg(int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        lock (_gate)
        {
            if (_newest < 0)
            {
                return null;
            }

            var last = _slots[_newest];
            return new FrameSnapshot(last.Sequence, last.Timestamp, last.Width, last.Height, Jpeg(last.Format, last.Data, last.Width, last.Height, quality));
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<Frame> CopyRecent()
    {
        lock (_gate)
        {
            var frames = new List<Frame>(_slots.Length);
            for (var i = 0; i < _slots.Length && _newest >= 0; i++)
            {
                var slot = _slots[(_newest - i + _slots.Length) % _slots.Length];
                if (slot.Length > 0)
                {
                    frames.Add(Frame.Copy(slot.Sequence, slot.Timestamp, slot.Width, slot.Height, slot.Format, slot.Data));
                }
            }

            return frames;
        }
    }

    /// <summary>The frame as JPEG: a camera JPEG as it is, an RGB frame encoded at <paramref name="quality"/>.</summary>
    /// <exception cref="InvalidDataException">An RGB frame shorter than its size says.</exception>
    public static byte[] ToJpeg(Frame frame, int quality)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return Jpeg(frame.Format, frame.Data, frame.Width, frame.Height, quality);
    }

    private static byte[] Jpeg(FrameFormat format, ReadOnlySpan<byte> data, int width, int height, int quality) =>
        format == FrameFormat.Jpeg ? data.ToArray() : EncodeRgb24(data, width, height, quality);

    private static byte[] EncodeRgb24(ReadOnlySpan<byte> rgb, int width, int height, int quality)
    {
        if (width <= 0 || height <= 0 || rgb.Length < width * height * 3)
        {
            throw new InvalidDataException($"The last frame is not a complete {width}x{height} RGB image.");
        }

        // Skia has no packed 24-bit layout; a snapshot is rare, so widen to RGBA here rather than per frame.
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < height; y++)
        {
            var source = rgb.Slice(y * width * 3, width * 3);
            var target = pixels.Slice(y * rowBytes, width * 4);
            for (var x = 0; x < width; x++)
            {
                target[(x * 4) + 0] = source[(x * 3) + 0];
                target[(x * 4) + 1] = source[(x * 3) + 1];
                target[(x * 4) + 2] = source[(x * 3) + 2];
                target[(x * 4) + 3] = 255;
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>One kept frame in a buffer that is reused for the next frame in this slot.</summary>
    private sealed class Slot
    {
        private byte[] _buffer = [];

        public int Length { get; private set; }

        public long Sequence { get; private set; }

        public DateTimeOffset Timestamp { get; private set; }

        public int Width { get; private set; }

        public int Height { get; private set; }

        public FrameFormat Format { get; private set; }

        public ReadOnlySpan<byte> Data => _buffer.AsSpan(0, Length);

        public void CopyFrom(Frame frame)
        {
            if (_buffer.Length < frame.Length)
            {
                _buffer = new byte[frame.Length];
            }

            frame.Data.CopyTo(_buffer);
            Length = frame.Length;
            Sequence = frame.Sequence;
            Timestamp = frame.Timestamp;
            Width = frame.Width;
            Height = frame.Height;
            Format = frame.Format;
        }
    }
}
