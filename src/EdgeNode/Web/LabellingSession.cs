using EdgeNode.Learning;

namespace EdgeNode.Web;

/// <summary>
/// The page's labelling session: while the Label page is open it keeps the frames of recent results
/// (<see cref="RecentImages"/>, as <c>EdgeNode:Learning:StoreImages</c> does), so thumbnails can be shown and labelled
/// samples keep their image. A session lasts <see cref="Lease"/> after its last renewal, then the configured value returns:
/// a closed browser tab does not leave a JPEG encode per frame running.
/// </summary>
public sealed class LabellingSession : IDisposable
{
    /// <summary>How long a session lasts without renewal.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private readonly RecentImages _images;
    private readonly bool _configured;
    private readonly ITimer _expiry;

    /// <summary>Creates the switch over <paramref name="images"/>.</summary>
    public LabellingSession(RecentImages images, IOptions<LearningOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _images = images;
        _configured = options.Value.StoreImages;
        _expiry = time.CreateTimer(_ => End(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True while frames are kept.</summary>
    public bool StoreImages => _images.Enabled;

    /// <summary>Starts or renews a session.</summary>
    public void Renew()
    {
        _images.Enabled = true;
        _expiry.Change(Lease, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends the session: back to the configured <c>StoreImages</c>.</summary>
    public void End()
    {
        _expiry.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _images.Enabled = _configured;
    }

    /// <inheritdoc />
    public void Dispose() => _expiry.Dispose();
}
