namespace EdgeNode.Split;

/// <summary>The discovery topics of split inference: <c>{prefix}/{node}/split/tail</c> and <c>{prefix}/{node}/split/head</c>.</summary>
internal static class SplitTopics
{
    /// <summary>The topic of <paramref name="node"/> in <paramref name="role"/> (<c>tail</c> or <c>head</c>; <c>+</c> as the node for a filter).</summary>
    public static string Of(string prefix, string node, string role) => $"{prefix}/{node}/split/{role}";

    /// <summary>The node of a <c>{prefix}/{node}/split/tail</c> topic; null for any other topic.</summary>
    public static string? NodeOf(string prefix, string topic)
    {
        var levels = topic.Split('/');
        var head = prefix.Split('/');
        return levels.Length == head.Length + 3 && levels.AsSpan(0, head.Length).SequenceEqual(head) && levels[^2] == "split" && levels[^1] == "tail"
            ? levels[head.Length]
            : null;
    }
}
