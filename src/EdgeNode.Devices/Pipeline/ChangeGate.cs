using EdgeNode.Core;
using Microsoft.Extensions.Options;

namespace EdgeNode.Devices.Pipeline;

/// <summary>
/// Decides whether a frame differs enough from the last inferred one to be worth running the model on,
/// by comparing 32×24 luma thumbnails (mean absolute difference). When it says no, the caller reuses the
/// cached result and marks it <c>Cached</c>. Thread-safe; meant for one inference loop.
/// </summary>
public sealed class ChangeGate : IDisposable
{
    private readonly ChangeGateOptions _options;
    private readonly JpegThumbnailDecoder _decoder = new();
    private readonly byte[] _reference = new byte[LumaThumbnail.Width * LumaThumbnail.Height];
    private readonly byte[] _current = new byte[LumaThumbnail.Width * LumaThumbnail.Height];
    private readonly Lock _lock = new();
    private bool _hasReference;
    private int _skippedInARow;
    private long _framesSkipped;
    private long _framesInferred;

    /// <summary>Creates the gate.</summary>
    public ChangeGate(IOptions<ChangeGateOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <summary>Frames for which <see cref="ShouldInfer"/> returned false (for telemetry).</summary>
    public long FramesSkipped => Interlocked.Read(ref _framesSkipped);

    /// <summary>Frames for which <see cref="ShouldInfer"/> returned true.</summary>
    public long FramesInferred => Interlocked.Read(ref _framesInferred);

    /// <summary>Difference of the last frame examined to the reference (0–255), or NaN when not computed.</summary>
    public double LastDifference { get; private set; } = double.NaN;

    /// <summary>
    /// True when <paramref name="frame"/> should be inferred; the frame then becomes the new reference.
    /// Always true while disabled, for the first frame, for an undecodable frame and after
    /// <see cref="ChangeGateOptions.MaxSkippedFrames"/> skips in a row.
    /// </summary>
    public bool ShouldInfer(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!_options.Enabled)
        {
            Interlocked.Increment(ref _framesInferred);
            return true;
        }

        lock (_lock)
        {
            if (!TryThumbnail(frame, _current))
            {
                LastDifference = double.NaN;
                _hasReference = false; // nothing to compare the next frame with
                return Infer();
            }

            LastDifference = _hasReference ? LumaThumbnail.MeanAbsoluteDifference(_current, _reference) : double.NaN;
            if (_hasReference && LastDifference < _options.Threshold && _skippedInARow < _options.MaxSkippedFrames)
            {
                _skippedInARow++;
                Interlocked.Increment(ref _framesSkipped);
                return false;
            }

            _current.CopyTo(_reference.AsSpan());
            _hasReference = true;
            return Infer();
        }
    }

    /// <summary>Forgets the reference, so the next frame is inferred (e.g. after a model swap).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _hasReference = false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _decoder.Dispose();

    private bool Infer()
    {
        _skippedInARow = 0;
        Interlocked.Increment(ref _framesInferred);
        return true;
    }

    private bool TryThumbnail(Frame frame, Span<byte> thumbnail)
    {
        switch (frame.Format)
        {
            case FrameFormat.Rgb24 when frame.Width > 0 && frame.Height > 0 && frame.Length >= frame.Width * frame.Height * 3:
                LumaThumbnail.Sample(frame.Data, frame.Width, frame.Height, frame.Width * 3, 3, thumbnail);
                return true;
            case FrameFormat.Jpeg:
                return _decoder.TryDecode(frame.Data, thumbnail);
            default:
                return false;
        }
    }
}
