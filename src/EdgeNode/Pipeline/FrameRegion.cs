using System.Buffers;
using SkiaSharp;

namespace EdgeNode.Pipeline;

/// <summary>
/// Applies the configured <see cref="RegionOptions"/> to a frame before pre-processing: the crop as a pooled RGB frame,
/// or null when no region is set (the frame is used whole). A region that no longer fits the frame (the camera's
/// resolution changed) is cut to the part inside it.
/// </summary>
public sealed class FrameRegion(IOptionsMonitor<RegionOptions> options)
{
    /// <summary>A region that never changes (a camera of the list with its own <c>Region</c>); null crops nothing.</summary>
    public static FrameRegion Fixed(RegionOptions? region) => new(new FixedMonitor(region ?? new RegionOptions()));

    /// <summary>The region in force; null for the whole frame.</summary>
    public RegionOptions? Current => options.CurrentValue is { IsSet: true } region ? region : null;

    /// <summary>The cropped frame (the caller disposes it), or null to use <paramref name="frame"/> as it is.</summary>
    /// <exception cref="InvalidDataException">A JPEG frame that does not decode.</exception>
    public Frame? Crop(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (Current is not { } region)
        {
            return null;
        }

        if (frame.Format == FrameFormat.Rgb24)
        {
            return Cut(frame.Sequence, frame.Timestamp, frame.Data, frame.Width, frame.Height, 3, region);
        }

        using var bitmap = SKBitmap.Decode(frame.Data.ToArray()) ?? throw new InvalidDataException($"Frame {frame.Sequence} is not a decodable JPEG.");
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 ? null : bitmap.Copy(SKColorType.Rgba8888);
        var pixels = (rgba ?? bitmap).GetPixelSpan();
        return Cut(frame.Sequence, frame.Timestamp, pixels, bitmap.Width, bitmap.Height, 4, region, (rgba ?? bitmap).RowBytes);
    }

    /// <summary>Width and height of a frame, reading only a JPEG's header; (0, 0) when unknown.</summary>
    public static (int Width, int Height) SizeOf(FrameSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Width > 0 && snapshot.Height > 0)
        {
            return (snapshot.Width, snapshot.Height);
        }

        using var data = SKData.CreateCopy(snapshot.Jpeg.Span);
        using var codec = SKCodec.Create(data);
        return codec is null ? (0, 0) : (codec.Info.Width, codec.Info.Height);
    }

    private static Frame? Cut(long sequence, DateTimeOffset timestamp, ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, RegionOptions region, int rowBytes = 0)
    {
        rowBytes = rowBytes > 0 ? rowBytes : width * bytesPerPixel;
        var x0 = Math.Min(region.X, width);
        var y0 = Math.Min(region.Y, height);
        var w = Math.Min(region.Width, width - x0);
        var h = Math.Min(region.Height, height - y0);
        if (w <= 0 || h <= 0 || pixels.Length < rowBytes * height)
        {
            return null;
        }

        // The crop is small next to the decode; one pooled scratch buffer and one copy into the frame's own.
        var length = w * h * 3;
        var scratch = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            for (var y = 0; y < h; y++)
            {
                var row = pixels.Slice(((y0 + y) * rowBytes) + (x0 * bytesPerPixel), w * bytesPerPixel);
                var dest = scratch.AsSpan(y * w * 3, w * 3);
                if (bytesPerPixel == 3)
                {
                    row.CopyTo(dest);
                    continue;
                }

                for (var x = 0; x < w; x++)
                {
                    dest[(x * 3) + 0] = row[(x * 4) + 0];
                    dest[(x * 3) + 1] = row[(x * 4) + 1];
                    dest[(x * 3) + 2] = row[(x * 4) + 2];
                }
            }

            return Frame.Copy(sequence, timestamp, w, h, FrameFormat.Rgb24, scratch.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private sealed class FixedMonitor(RegionOptions value) : IOptionsMonitor<RegionOptions>
    {
        public RegionOptions CurrentValue => value;

        public RegionOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<RegionOptions, string?> listener) => null;
    }
}
