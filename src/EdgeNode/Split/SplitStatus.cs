namespace EdgeNode.Split;

/// <summary>
/// Where split inference stands on this node, for telemetry (<c>split</c>), the <c>split</c> health check and the
/// discovery status: a head is <c>active</c> while its frames go to the tail and <c>degraded</c> while they run
/// locally; a tail is <c>serving</c>.
/// </summary>
internal sealed class SplitStatus(string role, bool fallsBackToCached = false)
{
    private long _remoteFrames;
    private long _localFrames;
    private long _cachedFrames;
    private long _tailFrames;
    private long _sentBytes;
    private long _sentFrames;
    private int _streams;
    private volatile string? _peer;
    private volatile string? _reason = role == "head" ? "not connected to a tail yet" : null;

    /// <summary><c>none</c>, <c>head</c> or <c>tail</c>.</summary>
    public string Role => role;

    /// <summary>What a degraded head does with its frames, for the log and the health check.</summary>
    public string Fallback => fallsBackToCached
        ? "frames reuse their camera's last result (EdgeNode__Split__Fallback=cached)"
        : "frames run the whole model locally";

    /// <summary><c>active</c> or <c>degraded</c> (head), <c>serving</c> (tail), <c>off</c> (none).</summary>
    public string Mode => role switch
    {
        "head" => _reason is null ? "active" : "degraded",
        "tail" => "serving",
        _ => "off",
    };

    /// <summary>Why a head runs locally; null while it is active.</summary>
    public string? Reason => _reason;

    /// <summary>The tail a head streams to (or last tried).</summary>
    public string? Peer => _peer;

    /// <summary>Frames a head had finished by the tail.</summary>
    public long RemoteFrames => Interlocked.Read(ref _remoteFrames);

    /// <summary>Frames a head ran locally (the whole model) because the tail was gone or late.</summary>
    public long LocalFrames => Interlocked.Read(ref _localFrames);

    /// <summary>Frames a tail finished for its heads.</summary>
    public long TailFrames => Interlocked.Read(ref _tailFrames);

    /// <summary>Frames the tail did not finish that got their camera's last result (<c>Fallback=cached</c>).</summary>
    public long CachedFrames => Interlocked.Read(ref _cachedFrames);

    /// <summary>Heads streaming to a tail now.</summary>
    public int Streams => Volatile.Read(ref _streams);

    /// <summary>The head streams to <paramref name="peer"/> again.</summary>
    public void Connected(string peer)
    {
        _peer = peer;
        _reason = null;
    }

    /// <summary>The head runs locally, because of <paramref name="reason"/>; true when it was active until now.</summary>
    public bool Degrade(string reason, string? peer)
    {
        var was = _reason;
        _reason = reason;
        _peer = peer ?? _peer;
        return was is null;
    }

    public void CountRemote() => Interlocked.Increment(ref _remoteFrames);

    public void CountLocal() => Interlocked.Increment(ref _localFrames);

    /// <summary>Counts a frame handed to the cached-result fallback.</summary>
    public void CountCached() => Interlocked.Increment(ref _cachedFrames);

    public void CountTail() => Interlocked.Increment(ref _tailFrames);

    /// <summary>Bytes of frame payload (activations or JPEGs) this head has written to its tails.</summary>
    public long SentBytes => Interlocked.Read(ref _sentBytes);

    /// <summary>Frames this head has written to its tails (answered or not).</summary>
    public long SentFrames => Interlocked.Read(ref _sentFrames);

    public void CountSent(int bytes)
    {
        Interlocked.Add(ref _sentBytes, bytes);
        Interlocked.Increment(ref _sentFrames);
    }

    public void StreamOpened() => Interlocked.Increment(ref _streams);

    public void StreamClosed() => Interlocked.Decrement(ref _streams);
}
