using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices.Cameras;

/// <summary>Maps <see cref="CameraOptions.Source"/> to an <see cref="IFrameSource"/>.</summary>
/// <param name="counters">Capture statistics every created source reports into (for telemetry).</param>
/// <param name="timeProvider">Clock handed to the sources.</param>
/// <param name="loggerFactory">Creates the sources' loggers.</param>
public sealed class FrameSourceFactory(CaptureCounters counters, TimeProvider timeProvider, ILoggerFactory loggerFactory)
{
    private readonly TimeProvider _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
    private readonly ILoggerFactory _loggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));

    /// <summary>The statistics shared by the created sources.</summary>
    public CaptureCounters Counters { get; } = counters ?? throw new ArgumentNullException(nameof(counters));

    /// <summary>Creates the source that <paramref name="options"/> names.</summary>
    /// <exception cref="ArgumentException">The source string has an unknown scheme or an empty argument.</exception>
    public IFrameSource Create(CameraOptions options) => Create(options, Counters);

    /// <summary>Creates the source that <paramref name="options"/> names, counting into <paramref name="counters"/> (one camera of several).</summary>
    /// <exception cref="ArgumentException">The source string has an unknown scheme or an empty argument.</exception>
    public IFrameSource Create(CameraOptions options, CaptureCounters counters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        var source = options.Source.Trim();
        if (source.Equals("synthetic", StringComparison.OrdinalIgnoreCase))
        {
            return new SyntheticFrameSource(options, counters, _timeProvider);
        }

        var colon = source.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? source[..colon].ToLowerInvariant() : source;
        var argument = colon > 0 ? source[(colon + 1)..].Trim() : string.Empty;
        if (colon > 0 && argument.Length == 0 && scheme is "folder" or "process" or "v4l2")
        {
            throw new ArgumentException($"Camera source '{source}' needs an argument after '{scheme}:'.", nameof(options));
        }

        return scheme switch
        {
            "folder" when colon > 0 => new FolderFrameSource(argument, options, counters, _timeProvider, _loggerFactory.CreateLogger<FolderFrameSource>()),
            "process" when colon > 0 => new ProcessFrameSource(argument, options, counters, _timeProvider, _loggerFactory.CreateLogger<ProcessFrameSource>()),
            "v4l2" when colon > 0 => new V4l2FrameSource(argument, options, counters, _timeProvider, _loggerFactory.CreateLogger<V4l2FrameSource>()),
            _ => throw new ArgumentException(
                $"Unknown camera source '{source}' (EdgeNode:Camera:Source). Use 'synthetic', 'folder:<dir>', 'process:<command line>' or 'v4l2:/dev/videoN'.",
                nameof(options)),
        };
    }
}
