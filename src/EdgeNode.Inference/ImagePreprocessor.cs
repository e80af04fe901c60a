using System.Buffers;
using System.Numerics.Tensors;
using EdgeNode.Core;
using SkiaSharp;

namespace EdgeNode.Inference;

/// <summary>
/// Turns a frame into the backbone's input tensor: JPEG decode (at the smallest JPEG scale that keeps the
/// shorter side ≥ the model size), bilinear resize of the shorter side to the model size, centre crop,
/// planar channel order and mean-image subtraction. All buffers are pooled or reused: no per-frame
/// managed allocation besides Skia's small codec wrappers.
/// </summary>
public sealed class ImagePreprocessor
{
    private readonly float[] _mean;
    private readonly bool _bgr;
    private readonly float _scale;
    private ResizePlan? _plan;

    /// <summary>Creates a pre-processor.</summary>
    /// <param name="size">Square output size.</param>
    /// <param name="meanImage">Planar mean image (3·size·size), in the tensor's channel order, subtracted after scaling.</param>
    /// <param name="bgr">True when the tensor's planes are B, G, R.</param>
    /// <param name="range">255 keeps 0..255 pixel values; 1 scales to 0..1.</param>
    public ImagePreprocessor(int size, float[] meanImage, bool bgr, float range = 255f)
    {
        ArgumentNullException.ThrowIfNull(meanImage);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (meanImage.Length != 3 * size * size)
        {
            throw new ArgumentException($"The mean image has {meanImage.Length} values; expected 3x{size}x{size}.", nameof(meanImage));
        }

        Size = size;
        _mean = meanImage;
        _bgr = bgr;
        _scale = range / 255f;
    }

    /// <summary>Square output size.</summary>
    public int Size { get; }

    /// <summary>Number of floats written by <see cref="Process(Frame, Span{float})"/>.</summary>
    public int TensorLength => 3 * Size * Size;

    /// <summary>Writes the input tensor for <paramref name="frame"/> into <paramref name="tensor"/>.</summary>
    /// <exception cref="InvalidDataException">The frame is not a decodable image.</exception>
    public void Process(Frame frame, Span<float> tensor)
    {
        ArgumentNullException.ThrowIfNull(frame);
        switch (frame.Format)
        {
            case FrameFormat.Rgb24:
                if (frame.Width <= 0 || frame.Height <= 0 || frame.Length < frame.Width * frame.Height * 3)
                {
                    throw new InvalidDataException($"An Rgb24 frame of {frame.Width}x{frame.Height} needs {frame.Width * frame.Height * 3} bytes, got {frame.Length}.");
                }

                ProcessPixels(frame.Data, frame.Width, frame.Height, 3, tensor);
                break;
            case FrameFormat.Jpeg:
                ProcessEncoded(frame.Data, tensor);
                break;
            default:
                throw new InvalidDataException($"Unsupported frame format {frame.Format}.");
        }
    }

    /// <summary>Decodes an encoded image (JPEG, PNG, …) and writes its tensor.</summary>
    /// <exception cref="InvalidDataException">Not a decodable image, or larger than <see cref="ImageLimits.MaxPixels"/>.</exception>
    public void ProcessEncoded(ReadOnlySpan<byte> encoded, Span<float> tensor)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("The image cannot be decoded (not a JPEG/PNG or truncated).");
        var full = codec.Info;
        ImageLimits.ThrowIfTooLarge(full.Width, full.Height);
        var shorter = Math.Min(full.Width, full.Height);
        var dims = full.Size;
        if (shorter > Size)
        {
            var scaled = codec.GetScaledDimensions(Size / (float)shorter);
            if (Math.Min(scaled.Width, scaled.Height) >= Size)
            {
                dims = scaled;
            }
        }

        var info = new SKImageInfo(dims.Width, dims.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bytes = info.BytesSize;
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* p = buffer)
                {
                    result = codec.GetPixels(info, (IntPtr)p);
                }
            }

            if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            {
                throw new InvalidDataException($"The image cannot be decoded: {result}.");
            }

            ProcessPixels(buffer.AsSpan(0, bytes), dims.Width, dims.Height, 4, tensor);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Resizes, crops and normalises interleaved 8-bit RGB(A) pixels into <paramref name="tensor"/>.</summary>
    public void ProcessPixels(ReadOnlySpan<byte> pixels, int width, int height, int bytesPerPixel, Span<float> tensor)
    {
        if (tensor.Length < TensorLength)
        {
            throw new ArgumentException($"The tensor needs {TensorLength} floats, got {tensor.Length}.", nameof(tensor));
        }

        var plan = _plan;
        if (plan is null || plan.Width != width || plan.Height != height)
        {
            plan = new ResizePlan(width, height, Size);
            _plan = plan;
        }

        var planeSize = Size * Size;
        var rPlane = tensor.Slice(_bgr ? 2 * planeSize : 0, planeSize);
        var gPlane = tensor.Slice(planeSize, planeSize);
        var bPlane = tensor.Slice(_bgr ? 0 : 2 * planeSize, planeSize);
        var stride = width * bytesPerPixel;
        for (var y = 0; y < Size; y++)
        {
            var row0 = pixels.Slice(plan.Y0[y] * stride, stride);
            var row1 = pixels.Slice(plan.Y1[y] * stride, stride);
            var wy = plan.Wy[y];
            var o = y * Size;
            for (var x = 0; x < Size; x++)
            {
                var i0 = plan.X0[x] * bytesPerPixel;
                var i1 = plan.X1[x] * bytesPerPixel;
                var wx = plan.Wx[x];
                rPlane[o + x] = Bilinear(row0[i0], row0[i1], row1[i0], row1[i1], wx, wy);
                gPlane[o + x] = Bilinear(row0[i0 + 1], row0[i1 + 1], row1[i0 + 1], row1[i1 + 1], wx, wy);
                bPlane[o + x] = Bilinear(row0[i0 + 2], row0[i1 + 2], row1[i0 + 2], row1[i1 + 2], wx, wy);
            }
        }

        var output = tensor[..TensorLength];
        if (_scale != 1f)
        {
            TensorPrimitives.Multiply(output, _scale, output);
        }

        TensorPrimitives.Subtract(output, _mean, output);
    }

    private static float Bilinear(byte a, byte b, byte c, byte d, float wx, float wy)
    {
        var top = a + ((b - a) * wx);
        var bottom = c + ((d - c) * wx);
        return top + ((bottom - top) * wy);
    }

    /// <summary>Source indices and weights for a given source size, computed once per size.</summary>
    private sealed class ResizePlan
    {
        public ResizePlan(int width, int height, int size)
        {
            Width = width;
            Height = height;
            var scale = size / (double)Math.Min(width, height);
            var resizedW = (int)Math.Round(width * scale);
            var resizedH = (int)Math.Round(height * scale);
            (X0, X1, Wx) = Axis(width, (resizedW - size) / 2, scale, size);
            (Y0, Y1, Wy) = Axis(height, (resizedH - size) / 2, scale, size);
        }

        public int Width { get; }

        public int Height { get; }

        public int[] X0 { get; }

        public int[] X1 { get; }

        public float[] Wx { get; }

        public int[] Y0 { get; }

        public int[] Y1 { get; }

        public float[] Wy { get; }

        private static (int[] I0, int[] I1, float[] W) Axis(int sourceLength, int offset, double scale, int size)
        {
            var i0 = new int[size];
            var i1 = new int[size];
            var w = new float[size];
            for (var i = 0; i < size; i++)
            {
                var source = Math.Clamp(((i + offset + 0.5) / scale) - 0.5, 0, sourceLength - 1);
                var floor = (int)source;
                i0[i] = floor;
                i1[i] = Math.Min(floor + 1, sourceLength - 1);
                w[i] = (float)(source - floor);
            }

            return (i0, i1, w);
        }
    }
}
