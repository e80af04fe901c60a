using EdgeNode.Core;
using SkiaSharp;

namespace EdgeNode.Devices.Pipeline;

/// <summary>
/// Keeps a copy of the last frame in one reused buffer (no allocation per frame once the size is stable);
/// encodes to JPEG only when a snapshot is asked for. Camera JPEGs are handed out as they are.
/// </summary>
public sealed class LastFrame : ILastFrame
{
    private readonly Lock _gate = new();
    private byte[] _buffer = [];
    private int _length;
    private long _sequence;
    private DateTimeOffset _timestamp;
    private int _width;
    private int _height;
    private FrameFormat _format;
    private bool _has;

    /// <inheritdoc />
    public void Update(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        lock (_gate)
        {
            if (_buffer.Length < frame.Length)
            {
                _buffer = new byte[frame.Length];
            }

            frame.Data.CopyTo(_buffer);
            _length = frame.Length;
            _sequence = frame.Sequence;
            _timestamp = frame.Timestamp;
            _width = frame.Width;
            _height = frame.Height;
            _format = frame.Format;
            _has = true;
        }
    }

    /// <inheritdoc />
    public FrameSnapshot? TakeJpeg(int quality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        lock (_gate)
        {
            if (!_has)
            {
                return null;
            }

            var jpeg = _format == FrameFormat.Jpeg
                ? _buffer.AsSpan(0, _length).ToArray()
                : EncodeRgb24(_buffer.AsSpan(0, _length), _width, _height, quality);
            return new FrameSnapshot(_sequence, _timestamp, _width, _height, jpeg);
        }
    }

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
}
