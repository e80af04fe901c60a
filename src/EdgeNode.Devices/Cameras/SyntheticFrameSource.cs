using System.Runtime.CompilerServices;
using EdgeNode.Core;

namespace EdgeNode.Devices.Cameras;

/// <summary>
/// <c>synthetic</c>: a test scene that moves and changes over time (a drifting colour gradient and a
/// bouncing square), rendered as <see cref="FrameFormat.Rgb24"/> at the configured size and rate.
/// The scene is a pure function of elapsed time on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class SyntheticFrameSource : CameraSource
{

    /// <summary>Creates the source.</summary>
    /// <param name="options">Frame size and rate.</param>
    /// <param name="counters">Where produced frames are counted.</param>
    /// <param name="timeProvider">Clock that drives both pacing and the scene.</param>
    public SyntheticFrameSource(CameraOptions options, CaptureCounters counters, TimeProvider timeProvider)
        : base(options, counters, timeProvider)
    {
    }

    /// <inheritdoc />
    public override string Name => "synthetic";

    /// <inheritdoc />
    public override async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var width = Options.Width;
        var height = Options.Height;
        if (Options.FramesPerSecond <= 0)
        {
            await foreach (var replayed in ReplayAsync(width, height, cancellationToken))
            {
                yield return replayed;
            }

            yield break;
        }

        var start = Clock.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / Options.FramesPerSecond), Clock);
        long sequence = 0;
        do
        {
            var seconds = Clock.GetElapsedTime(start).TotalSeconds;
            var frame = Frame.Create(
                ++sequence,
                Clock.GetUtcNow(),
                width,
                height,
                FrameFormat.Rgb24,
                width * height * 3,
                (width, height, seconds),
                static (span, state) => Render(span, state.width, state.height, state.seconds));
            Counters.FrameCaptured();
            yield return frame;
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>
    /// Uncapped (<c>FramesPerSecond=0</c>): the scene rendered once at 8 moments an eighth of a second apart, then those
    /// frames copied out in a loop, as fast as they are taken; rendering would otherwise cost more than the model.
    /// </summary>
    private async IAsyncEnumerable<Frame> ReplayAsync(int width, int height, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var scenes = Scenes(width, height);
        long sequence = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var frame = Frame.Copy(++sequence, Clock.GetUtcNow(), width, height, FrameFormat.Rgb24, scenes[sequence % scenes.Length]);
            Counters.FrameCaptured();
            yield return frame;
            await Task.Yield(); // a consumer that never waits must not turn this into a loop without a yield point
        }
    }

    /// <summary>
    /// The 8 replayed frames of one size, rendered once and shared by every uncapped synthetic camera of that size (four
    /// cameras would otherwise hold 4 × 8 × 0.9 MB of identical frames at 640x480); held weakly, so they go when the last
    /// camera replaying them stops.
    /// </summary>
    private static byte[][] Scenes(int width, int height)
    {
        lock (SceneCache)
        {
            if (SceneCache.TryGetValue((width, height), out var held) && held.TryGetTarget(out var cached))
            {
                return cached;
            }

            var scenes = new byte[8][];
            for (var i = 0; i < scenes.Length; i++)
            {
                scenes[i] = new byte[width * height * 3];
                Render(scenes[i], width, height, i / 8.0);
            }

            SceneCache[(width, height)] = new WeakReference<byte[][]>(scenes);
            return scenes;
        }
    }

    private static readonly Dictionary<(int Width, int Height), WeakReference<byte[][]>> SceneCache = [];

    /// <summary>Draws the scene at <paramref name="seconds"/> into a packed RGB24 buffer.</summary>
    internal static void Render(Span<byte> rgb, int width, int height, double seconds)
    {
        // Background: a diagonal gradient whose hue drifts over ~20 s.
        var phase = (int)(seconds * 12.8) & 0xFF;
        for (var y = 0; y < height; y++)
        {
            var row = rgb.Slice(y * width * 3, width * 3);
            var gy = y * 255 / Math.Max(1, height - 1);
            for (var x = 0; x < width; x++)
            {
                var gx = x * 255 / Math.Max(1, width - 1);
                row[x * 3] = (byte)(gx + phase);
                row[(x * 3) + 1] = (byte)(gy + (phase >> 1));
                row[(x * 3) + 2] = (byte)(255 - gx + phase);
            }
        }

        // A white square bouncing across the frame, about one width every 4 s.
        var size = Math.Max(4, Math.Min(width, height) / 5);
        var sx = Bounce(seconds / 4, width - size);
        var sy = Bounce(seconds / 3, height - size);
        for (var y = sy; y < sy + size; y++)
        {
            rgb.Slice(((y * width) + sx) * 3, size * 3).Fill(0xFF);
        }
    }

    private static int Bounce(double cycles, int range)
    {
        var t = cycles - Math.Floor(cycles);
        var triangle = t < 0.5 ? t * 2 : 2 - (t * 2);
        return (int)(triangle * range);
    }
}
