namespace EdgeNode.Messaging;

/// <summary>MQTT topic-filter matching (<c>+</c>, <c>#</c>, and <c>$share/{group}/</c> shared subscriptions).</summary>
public static class TopicFilter
{
    /// <summary>True when <paramref name="topic"/> matches <paramref name="filter"/>.</summary>
    public static bool Matches(string topic, string filter)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.StartsWith("$share/", StringComparison.Ordinal))
        {
            var groupEnd = filter.IndexOf('/', 7);
            filter = groupEnd < 0 ? string.Empty : filter[(groupEnd + 1)..];
        }

        var t = topic.Split('/');
        var f = filter.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && !string.Equals(f[i], t[i], StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return t.Length == f.Length;
    }
}
