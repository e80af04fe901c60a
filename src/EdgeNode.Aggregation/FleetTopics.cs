namespace EdgeNode.Aggregation;

/// <summary>The federated topics of one fleet (see docs/federation.md).</summary>
/// <param name="Prefix">Topic prefix, default <c>edgenode</c>.</param>
/// <param name="Fleet">Fleet id, one topic level.</param>
public sealed record FleetTopics(string Prefix, string Fleet)
{
    /// <summary><c>{prefix}/fleet/{fleet}/fl/global</c>, retained.</summary>
    public string Global => $"{Prefix}/fleet/{Fleet}/fl/global";

    /// <summary><c>{prefix}/fleet/{fleet}/fl/updates/{node}</c>.</summary>
    public string Update(string node) => $"{Prefix}/fleet/{Fleet}/fl/updates/{node}";

    /// <summary>All nodes' updates through the shared subscription <c>$share/{group}/…/updates/+</c>.</summary>
    public string SharedUpdates(string group) => $"$share/{group}/{Prefix}/fleet/{Fleet}/fl/updates/+";
}
