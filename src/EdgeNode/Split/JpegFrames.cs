using System.Buffers;
using SkiaSharp;

namespace EdgeNode.Split;

/// <summary>JPEG offload's head side: an RGB camera frame encoded as JPEG (a JPEG frame crosses as it is).</summary>
internal static class JpegFrames
{
    /// <summary>Encodes an Rgb24 <paramref name="frame"/> at <paramref name="quality"/> into a pooled buffer (the caller returns it).</summary>
    /// <exception cref="InvalidDataException">Not an Rgb24 frame whose bytes match its size, or the encoder failed.</exception>
    public static (byte[] Buffer, int Length) Encode(Frame frame, int quality)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var pixels = (long)frame.Width * frame.Height;
        if (frame.Format != FrameFormat.Rgb24 || frame.Width <= 0 || frame.Height <= 0 || frame.Length < pixels * 3 || pixels > ImageLimits.MaxPixels)
        {
            throw new InvalidDataException($"Frame {frame.Sequence}: a {frame.Format} frame of {frame.Width}x{frame.Height} with {frame.Length} bytes cannot be encoded as JPEG.");
        }

        // Skia has no packed 24-bit colour type: widen to RGBA once, in a pooled scratch buffer.
        var info = new SKImageInfo(frame.Width, frame.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var rgba = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            var src = frame.Data;
            for (int i = 0, j = 0; i < pixels * 3; i += 3, j += 4)
            {
                rgba[j] = src[i];
                rgba[j + 1] = src[i + 1];
                rgba[j + 2] = src[i + 2];
                rgba[j + 3] = 255;
            }

            using var image = SKImage.FromPixelCopy(info, rgba.AsSpan(0, info.BytesSize), info.RowBytes)
                ?? throw new InvalidDataException($"Frame {frame.Sequence}: Skia refused its pixels.");
            using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality)
                ?? throw new InvalidDataException($"Frame {frame.Sequence}: the JPEG encoder failed.");
            var encoded = data.AsSpan();
            var buffer = ArrayPool<byte>.Shared.Rent(encoded.Length);
            encoded.CopyTo(buffer);
            return (buffer, encoded.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }
}
