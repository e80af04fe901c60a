using EdgeNode.Core;
using SkiaSharp;

namespace EdgeNode.Devices.Pipeline;

/// <summary>
/// Decodes a JPEG frame once into an <see cref="FrameFormat.Rgb24"/> frame that both the change gate's thumbnail and
/// the model's pre-processing read, at the smallest JPEG (DCT) scale whose shorter side still covers what the model
/// needs. The RGBA scratch bitmap is reused between frames; the result's buffer is pooled like every frame's.
/// </summary>
public sealed class JpegFrameDecoder : IDisposable
{
    private SKBitmap? _scratch;

    /// <summary>Decodes <paramref name="jpeg"/> with its shorter side at least <paramref name="minShorterSide"/> (0: full size).</summary>
    /// <exception cref="InvalidDataException">Not a decodable image, or larger than <see cref="ImageLimits.MaxPixels"/>.</exception>
    public Frame Decode(Frame jpeg, int minShorterSide)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        using var data = SKData.CreateCopy(jpeg.Data);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException($"Frame {jpeg.Sequence} cannot be decoded (not a JPEG or truncated).");
        var full = codec.Info;
        ImageLimits.ThrowIfTooLarge(full.Width, full.Height);
        var dims = full.Size;
        var shorter = Math.Min(full.Width, full.Height);
        if (minShorterSide > 0 && shorter > minShorterSide)
        {
            var scaled = codec.GetScaledDimensions(minShorterSide / (float)shorter);
            if (Math.Min(scaled.Width, scaled.Height) >= minShorterSide)
            {
                dims = scaled;
            }
        }

        var info = new SKImageInfo(dims.Width, dims.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (_scratch is null || _scratch.Width != info.Width || _scratch.Height != info.Height)
        {
            _scratch?.Dispose();
            _scratch = new SKBitmap(info);
        }

        var result = codec.GetPixels(info, _scratch.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw new InvalidDataException($"Frame {jpeg.Sequence} cannot be decoded: {result}.");
        }

        return Frame.Create(
            jpeg.Sequence,
            jpeg.Timestamp,
            info.Width,
            info.Height,
            FrameFormat.Rgb24,
            info.Width * info.Height * 3,
            (_scratch, info.Width, info.Height),
            static (rgb, s) => ToRgb(s._scratch.GetPixelSpan(), s._scratch.RowBytes, s.Width, s.Height, rgb));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _scratch?.Dispose();
        _scratch = null;
    }

    private static void ToRgb(ReadOnlySpan<byte> rgba, int rowBytes, int width, int height, Span<byte> rgb)
    {
        for (var y = 0; y < height; y++)
        {
            var source = rgba.Slice(y * rowBytes, width * 4);
            var target = rgb.Slice(y * width * 3, width * 3);
            for (var x = 0; x < width; x++)
            {
                target[x * 3] = source[x * 4];
                target[(x * 3) + 1] = source[(x * 4) + 1];
                target[(x * 3) + 2] = source[(x * 4) + 2];
            }
        }
    }
}
