using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EdgeNode.Core;
using Iot.Device.Media;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices.Cameras;

/// <summary>
/// <c>v4l2:/dev/videoN</c>: USB and CSI cameras through Video4Linux2 (<see cref="VideoDevice"/> from
/// Iot.Device.Bindings), in MJPEG (emitted as <see cref="FrameFormat.Jpeg"/>) or YUYV (converted to
/// <see cref="FrameFormat.Rgb24"/>). Frames beyond the configured rate are dropped at the source; a device
/// that fails is reopened with back-off.
/// </summary>
public sealed class V4l2FrameSource : CameraSource
{
    private readonly string _devicePath;
    private readonly int _busId;
    private readonly ILogger<V4l2FrameSource> _logger;

    /// <summary>Creates the source; the device is opened when <see cref="ReadFramesAsync"/> is enumerated.</summary>
    /// <param name="devicePath">Device node, <c>/dev/videoN</c>.</param>
    /// <param name="options">Resolution, rate, pixel format and restart back-off.</param>
    /// <param name="counters">Where frames and restarts are counted.</param>
    /// <param name="timeProvider">Clock for pacing, timestamps and back-off.</param>
    /// <param name="logger">Logger for device failures.</param>
    /// <exception cref="ArgumentException">The path is not of the form <c>/dev/videoN</c>.</exception>
    public V4l2FrameSource(string devicePath, CameraOptions options, CaptureCounters counters, TimeProvider timeProvider, ILogger<V4l2FrameSource> logger)
        : base(options, counters, timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(devicePath);
        ArgumentNullException.ThrowIfNull(logger);
        const string Prefix = "/dev/video";
        if (!devicePath.StartsWith(Prefix, StringComparison.Ordinal)
            || !int.TryParse(devicePath.AsSpan(Prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _busId))
        {
            throw new ArgumentException($"Camera source 'v4l2:{devicePath}' must name a device node like /dev/video0.", nameof(devicePath));
        }

        _devicePath = devicePath;
        _logger = logger;
    }

    /// <inheritdoc />
    public override string Name => "v4l2:" + _devicePath;

    /// <inheritdoc />
    public override async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var backoff = new Backoff(Options.RestartDelay, Options.MaxRestartDelay);
        var failures = 0;
        var yuyv = string.Equals(Options.PixelFormat, "YUYV", StringComparison.OrdinalIgnoreCase);
        var minInterval = Options.FramesPerSecond > 0 ? TimeSpan.FromSeconds(1 / Options.FramesPerSecond) : TimeSpan.Zero;
        long sequence = 0;
        while (true)
        {
            // The driver's capture loop blocks, so it runs on its own thread and hands frames over here.
            var frames = Channel.CreateBounded<Frame>(
                new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
                static dropped => dropped.Dispose());
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var lastEmitted = long.MinValue;
            var capture = Task.Factory.StartNew(
                () => Capture(frames.Writer, yuyv, minInterval, ref lastEmitted, ref sequence, stop.Token),
                stop.Token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);

            var delivered = false;
            Exception? failure;
            try
            {
                await foreach (var frame in frames.Reader.ReadAllAsync(cancellationToken))
                {
                    delivered = true;
                    Counters.FrameCaptured();
                    yield return frame;
                }
            }
            finally
            {
                // Harmless when the capture already ended; stops the driver loop when the consumer stops.
                await stop.CancelAsync();
                failure = await ObserveAsync(capture);
                while (frames.Reader.TryRead(out var left))
                {
                    left.Dispose();
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            failures = delivered ? 1 : failures + 1;
            var delay = backoff.DelayFor(failures);
            Log.CaptureFailed(_logger, failure ?? new IOException("The capture loop ended."), Name, delay);
            Counters.Restarted();
            await Task.Delay(delay, Clock, cancellationToken);
        }
    }

    private Frame? ToFrame(byte[] buffer, int length, bool yuyv, int width, int height, TimeSpan minInterval, ref long last, ref long sequence)
    {
        var now = Clock.GetTimestamp();
        if (last != long.MinValue && Clock.GetElapsedTime(last, now) < minInterval)
        {
            return null; // faster than the configured rate
        }

        var data = buffer.AsSpan(0, length);
        Frame frame;
        if (yuyv)
        {
            if (length < width * height * 2)
            {
                Counters.CorruptFrame();
                return null;
            }

            frame = Frame.Create(
                sequence + 1,
                Clock.GetUtcNow(),
                width,
                height,
                FrameFormat.Rgb24,
                width * height * 3,
                (buffer, width, height),
                static (rgb, state) => Yuyv.ToRgb24(state.buffer, rgb, state.width, state.height));
        }
        else if (JpegInspector.TryReadSize(data, out var w, out var h))
        {
            frame = Frame.Copy(sequence + 1, Clock.GetUtcNow(), w, h, FrameFormat.Jpeg, data);
        }
        else
        {
            Counters.CorruptFrame();
            return null;
        }

        sequence++;
        last = now;
        return frame;
    }

    private static async Task<Exception?> ObserveAsync(Task capture)
    {
        try
        {
            await capture;
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception ex)
        {
            // Any driver failure (ioctl errors surface as several exception types) is logged and retried.
            return ex;
        }
    }

    private void Capture(ChannelWriter<Frame> writer, bool yuyv, TimeSpan minInterval, ref long lastEmitted, ref long sequence, CancellationToken cancellationToken)
    {
        var width = Options.Width;
        var height = Options.Height;
        var settings = new VideoConnectionSettings(_busId, ((uint)width, (uint)height), yuyv ? VideoPixelFormat.YUYV : VideoPixelFormat.MJPEG);
        var last = lastEmitted;
        var seq = sequence;
        try
        {
            using var device = VideoDevice.Create(settings);
            device.ImageBufferPoolingEnabled = true;
            device.NewImageBufferReady += (_, e) =>
            {
                try
                {
                    if (ToFrame(e.ImageBuffer, e.Length, yuyv, width, height, minInterval, ref last, ref seq) is { } frame)
                    {
                        writer.TryWrite(frame);
                    }
                }
                finally
                {
                    // With pooling on, the driver hands over rented buffers: the consumer returns them.
                    ArrayPool<byte>.Shared.Return(e.ImageBuffer);
                }
            };
            device.StartCaptureContinuous();
            try
            {
                device.CaptureContinuous(cancellationToken);
            }
            finally
            {
                device.StopCaptureContinuous();
            }
        }
        finally
        {
            lastEmitted = last;
            sequence = seq;
            writer.TryComplete();
        }
    }
}
