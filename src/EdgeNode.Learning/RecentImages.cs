using EdgeNode.Core;

namespace EdgeNode.Learning;

/// <summary>
/// JPEGs of the last results, by result id, kept only when samples are to be stored with their images
/// (<c>EdgeNode:Learning:StoreImages</c>): a small bounded ring, since a label usually names a recent result.
/// A capacity of 0 keeps nothing; <see cref="Enabled"/> switches keeping on and off at run time (the web page's labelling session).
/// A raw (RGB) frame is kept as a pooled copy and JPEG-encoded only when a label asks for it, never on the frame path.
/// </summary>
/// <param name="capacity">Results kept.</param>
/// <param name="enabled">Whether keeping starts on.</param>
/// <param name="encode">Encodes a kept raw frame to JPEG when it is asked for (the host's JPEG encoder).</param>
public sealed class RecentImages(int capacity, bool enabled = true, Func<Frame, byte[]>? encode = null)
{
    private readonly (string ResultId, byte[]? Jpeg, Frame? Raw)?[] _ring = new (string, byte[]?, Frame?)?[Math.Max(capacity, 0)];
    private readonly Lock _gate = new();
    private int _next;
    private string? _last;
    private volatile bool _enabled = enabled;

    /// <summary>True when images are kept; set false to stop keeping new ones (those kept stay findable).</summary>
    public bool Enabled
    {
        get => _enabled && _ring.Length > 0;
        set => _enabled = value;
    }

    /// <summary>Keeps <paramref name="jpeg"/> as the image of result <paramref name="resultId"/>, forgetting the oldest.</summary>
    public void Record(string resultId, byte[] jpeg)
    {
        ArgumentException.ThrowIfNullOrEmpty(resultId);
        ArgumentNullException.ThrowIfNull(jpeg);
        if (!Enabled)
        {
            return;
        }

        Keep(resultId, jpeg, null);
    }

    /// <summary>
    /// Keeps the image of <paramref name="frame"/> for result <paramref name="resultId"/>: a camera JPEG as it is, a raw
    /// frame as a pooled copy encoded later by <see cref="Find"/>. The frame itself stays the caller's.
    /// </summary>
    public void Record(string resultId, Frame frame)
    {
        ArgumentException.ThrowIfNullOrEmpty(resultId);
        ArgumentNullException.ThrowIfNull(frame);
        if (!Enabled)
        {
            return;
        }

        if (frame.Format == FrameFormat.Jpeg || encode is null)
        {
            Keep(resultId, frame.Format == FrameFormat.Jpeg ? frame.Data.ToArray() : [], null);
            return;
        }

        Keep(resultId, null, Frame.Copy(frame.Sequence, frame.Timestamp, frame.Width, frame.Height, frame.Format, frame.Data));
    }

    /// <summary>The image of <paramref name="resultId"/> (<c>last</c>: the newest), or null when it is no longer kept.</summary>
    public byte[]? Find(string resultId)
    {
        lock (_gate)
        {
            var id = resultId == "last" ? _last : resultId;
            for (var i = 0; i < _ring.Length; i++)
            {
                if (_ring[i] is not { } e || e.ResultId != id)
                {
                    continue;
                }

                if (e.Raw is { } raw)
                {
                    // Encoded once, on the asking thread; the pooled copy goes back.
                    var jpeg = encode!(raw);
                    raw.Dispose();
                    _ring[i] = (e.ResultId, jpeg, null);
                    return jpeg;
                }

                return e.Jpeg is { Length: > 0 } kept ? kept : null;
            }

            return null;
        }
    }

    private void Keep(string resultId, byte[]? jpeg, Frame? raw)
    {
        lock (_gate)
        {
            _ring[_next]?.Raw?.Dispose();
            _ring[_next] = (resultId, jpeg, raw);
            _next = (_next + 1) % _ring.Length;
            _last = resultId;
        }
    }
}
