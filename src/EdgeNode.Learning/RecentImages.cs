namespace EdgeNode.Learning;

/// <summary>
/// JPEGs of the last results, by result id, kept only when samples are to be stored with their images
/// (<c>EdgeNode:Learning:StoreImages</c>): a small bounded ring, since a label usually names a recent result.
/// A capacity of 0 keeps nothing; <see cref="Enabled"/> switches keeping on and off at run time (the web page's labelling session).
/// </summary>
public sealed class RecentImages(int capacity, bool enabled = true)
{
    private readonly (string ResultId, byte[] Jpeg)?[] _ring = new (string, byte[])?[Math.Max(capacity, 0)];
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

        lock (_gate)
        {
            _ring[_next] = (resultId, jpeg);
            _next = (_next + 1) % _ring.Length;
            _last = resultId;
        }
    }

    /// <summary>The image of <paramref name="resultId"/> (<c>last</c>: the newest), or null when it is no longer kept.</summary>
    public byte[]? Find(string resultId)
    {
        lock (_gate)
        {
            var id = resultId == "last" ? _last : resultId;
            foreach (var entry in _ring)
            {
                if (entry is { } e && e.ResultId == id)
                {
                    return e.Jpeg;
                }
            }

            return null;
        }
    }
}
