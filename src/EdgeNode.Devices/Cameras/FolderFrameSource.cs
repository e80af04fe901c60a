using System.Runtime.CompilerServices;
using EdgeNode.Core;
using Microsoft.Extensions.Logging;
using SkiaSharp;

namespace EdgeNode.Devices.Cameras;

/// <summary>
/// <c>folder:&lt;dir&gt;</c>: replays the JPEG and PNG files of a folder, in name order and in a loop, at the
/// configured rate. Every frame is emitted as <see cref="FrameFormat.Jpeg"/>; PNG files are re-encoded once.
/// The folder is listed again on every pass, so images can be added while it runs.
/// </summary>
public sealed class FolderFrameSource : CameraSource
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    private readonly string _directory;
    private readonly ILogger<FolderFrameSource> _logger;
    private readonly Dictionary<string, (DateTime Modified, byte[] Jpeg)> _converted = new(StringComparer.Ordinal);

    /// <summary>Creates the source.</summary>
    /// <param name="directory">Folder of images.</param>
    /// <param name="options">Replay rate.</param>
    /// <param name="counters">Where frames and unreadable images are counted.</param>
    /// <param name="timeProvider">Clock for pacing and timestamps.</param>
    /// <param name="logger">Logger for unreadable images.</param>
    public FolderFrameSource(string directory, CameraOptions options, CaptureCounters counters, TimeProvider timeProvider, ILogger<FolderFrameSource> logger)
        : base(options, counters, timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(logger);
        _directory = directory;
        _logger = logger;
    }

    /// <inheritdoc />
    public override string Name => "folder:" + _directory;

    /// <inheritdoc />
    public override async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // FramesPerSecond 0 (uncapped): no pacing, and the images are kept in memory rather than read per frame.
        var uncapped = Options.FramesPerSecond <= 0;
        using var timer = uncapped ? null : new PeriodicTimer(TimeSpan.FromSeconds(1 / Options.FramesPerSecond), Clock);
        long sequence = 0;
        while (true)
        {
            var files = ListImages();
            var emitted = 0;
            foreach (var path in files)
            {
                var jpeg = await LoadJpegAsync(path, uncapped, cancellationToken);
                if (jpeg is null)
                {
                    continue;
                }

                JpegInspector.TryReadSize(jpeg, out var width, out var height);
                Counters.FrameCaptured();
                emitted++;
                yield return Frame.Copy(++sequence, Clock.GetUtcNow(), width, height, FrameFormat.Jpeg, jpeg);
                if (timer is not null)
                {
                    await timer.WaitForNextTickAsync(cancellationToken);
                }
            }

            if (emitted == 0)
            {
                throw new InvalidOperationException($"Camera source '{Name}': the folder holds no readable .jpg, .jpeg or .png image.");
            }
        }
    }

    private List<string> ListImages()
    {
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"Camera source '{Name}': the folder '{_directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(_directory)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private async Task<byte[]?> LoadJpegAsync(string path, bool keep, CancellationToken cancellationToken)
    {
        try
        {
            var isPng = string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase);
            if (!isPng)
            {
                if (keep && _converted.TryGetValue(path, out var kept))
                {
                    return kept.Jpeg;
                }

                var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
                if (JpegInspector.TryReadSize(bytes, out _, out _))
                {
                    if (keep)
                    {
                        _converted[path] = (File.GetLastWriteTimeUtc(path), bytes);
                    }

                    return bytes;
                }

                throw new InvalidDataException("Not a well-formed JPEG file.");
            }

            var modified = File.GetLastWriteTimeUtc(path);
            if (_converted.TryGetValue(path, out var cached) && cached.Modified == modified)
            {
                return cached.Jpeg;
            }

            var png = await File.ReadAllBytesAsync(path, cancellationToken);
            using var codec = SKCodec.Create(new MemoryStream(png)) ?? throw new InvalidDataException("Not a decodable PNG file.");
            ImageLimits.ThrowIfTooLarge(codec.Info.Width, codec.Info.Height);
            using var bitmap = SKBitmap.Decode(codec) ?? throw new InvalidDataException("Not a decodable PNG file.");
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            var jpeg = data.ToArray();
            _converted[path] = (modified, jpeg);
            return jpeg;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Counters.CorruptFrame();
            Log.ImageUnreadable(_logger, ex, Name, path);
            return null;
        }
    }
}
