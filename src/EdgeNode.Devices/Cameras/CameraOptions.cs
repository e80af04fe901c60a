using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Devices.Cameras;

/// <summary>Camera settings, bound from <c>EdgeNode:Camera</c>.</summary>
public sealed record CameraOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "EdgeNode:Camera";

    /// <summary>
    /// The camera's name in results (<c>camera</c>), telemetry and Home Assistant; required and unique in the
    /// <c>EdgeNode:Cameras</c> list; the one-camera form defaults to <c>camera</c>.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$", ErrorMessage = "letters, digits, '-' and '_' only (1 to 64), as it becomes part of Home Assistant ids.")]
    public string? Name { get; set; }

    /// <summary>
    /// Which camera: <c>synthetic</c>, <c>folder:&lt;dir&gt;</c>, <c>process:&lt;command line&gt;</c> or
    /// <c>v4l2:/dev/videoN</c>.
    /// </summary>
    [Required]
    public string Source { get; set; } = "synthetic";

    /// <summary>Frame width in pixels for sources that choose it (synthetic, V4L2).</summary>
    [Range(16, 8192)]
    public int Width { get; set; } = 640;

    /// <summary>Frame height in pixels for sources that choose it (synthetic, V4L2).</summary>
    [Range(16, 8192)]
    public int Height { get; set; } = 480;

    /// <summary>
    /// Target frame rate for sources that pace themselves (synthetic, folder, V4L2). 0: as fast as the node takes the
    /// frames (benchmarks: synthetic replays a few pre-rendered frames, folder replays its images from memory), so no
    /// source caps the rate being measured.
    /// </summary>
    [Range(0.0, 240)]
    public double FramesPerSecond { get; set; } = 10;

    /// <summary>V4L2 pixel format: <c>MJPEG</c> (default) or <c>YUYV</c>.</summary>
    [RegularExpression("^(?i)(MJPEG|YUYV)$")]
    public string PixelFormat { get; set; } = "MJPEG";

    /// <summary>First delay before a dead <c>process:</c> child or V4L2 device is restarted; doubles on each failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RestartDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between restarts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRestartDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A <c>process:</c> JPEG larger than this is treated as corrupt (guards memory against a stream without EOI).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 8 * 1024 * 1024;
}
