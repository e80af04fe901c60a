using EdgeNode.Core;
using SkiaSharp;

namespace EdgeNode.Devices.Pipeline;

/// <summary>
/// Decodes a JPEG at the smallest scale the codec offers that still covers the thumbnail (DCT scaling,
/// typically 1/8), which skips most of the decoding work. The scratch bitmap is reused between frames.
/// </summary>
internal sealed class JpegThumbnailDecoder : IDisposable
{
    private SKBitmap? _scratch;

    /// <summary>Writes the luma thumbnail of <paramref name="jpeg"/>; false when it cannot be decoded.</summary>
    public bool TryDecode(ReadOnlySpan<byte> jpeg, Span<byte> thumbnail)
    {
        using var data = SKData.CreateCopy(jpeg);
        using var codec = SKCodec.Create(data);
        if (codec is null || !ImageLimits.Allows(codec.Info.Width, codec.Info.Height))
        {
            return false;
        }

        var scale = Math.Min(1f, Math.Max((float)LumaThumbnail.Width / codec.Info.Width, (float)LumaThumbnail.Height / codec.Info.Height));
        var size = codec.GetScaledDimensions(scale);
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        if (_scratch is null || _scratch.Width != info.Width || _scratch.Height != info.Height)
        {
            _scratch?.Dispose();
            _scratch = new SKBitmap(info);
        }

        var result = codec.GetPixels(info, _scratch.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            return false;
        }

        LumaThumbnail.Sample(_scratch.GetPixelSpan(), info.Width, info.Height, _scratch.RowBytes, 4, thumbnail);
        return true;
    }

    public void Dispose()
    {
        _scratch?.Dispose();
        _scratch = null;
    }
}
