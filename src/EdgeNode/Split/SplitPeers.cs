using System.Collections.Concurrent;

namespace EdgeNode.Split;

/// <summary>
/// The tails a head can stream to: the one <c>EdgeNode__Split__Peer</c> names, or, with <c>auto</c>, those that
/// announce on MQTT (<c>{prefix}/{node}/split/tail</c>) that they hold this head's tail model, the least loaded first.
/// </summary>
internal sealed class SplitPeers(string peer, string tailSha256)
{
    private readonly ConcurrentDictionary<string, TailAnnouncement> _announced = new(StringComparer.Ordinal);

    /// <summary>True when the tail comes from discovery.</summary>
    public bool Auto => peer == SplitOptions.AutoPeer;

    /// <summary>The tail to stream to now; null when discovery knows none that holds this head's tail.</summary>
    public string? Resolve() => !Auto
        ? peer
        : _announced.Values
            .Where(a => string.Equals(a.TailSha256, tailSha256, StringComparison.OrdinalIgnoreCase))
            .OrderBy(a => a.Streams).ThenBy(a => a.Node, StringComparer.Ordinal)
            .FirstOrDefault()?.Url;

    /// <summary>Records (or, with null, forgets) what <paramref name="node"/> announced.</summary>
    public void Announce(string node, TailAnnouncement? announcement)
    {
        if (announcement is null)
        {
            _announced.TryRemove(node, out _);
        }
        else
        {
            _announced[node] = announcement;
        }
    }
}
