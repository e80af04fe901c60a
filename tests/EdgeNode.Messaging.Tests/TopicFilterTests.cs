namespace EdgeNode.Messaging.Tests;

public sealed class TopicFilterTests
{
    [Theory]
    [InlineData("edgenode/n1/cmd/label", "edgenode/n1/cmd/+", true)]
    [InlineData("edgenode/n1/cmd/label", "edgenode/+/cmd/#", true)]
    [InlineData("edgenode/n1/cmd", "edgenode/n1/cmd/#", true)]
    [InlineData("edgenode/n1/cmd/label", "edgenode/n1/cmd", false)]
    [InlineData("edgenode/n1/status", "edgenode/n2/status", false)]
    [InlineData("edgenode/fleet/f/fl/updates/n1", "$share/agg/edgenode/fleet/f/fl/updates/+", true)]
    [InlineData("a/b", "a/b/c", false)]
    public void Matches_FollowsMqttRules(string topic, string filter, bool expected) =>
        Assert.Equal(expected, TopicFilter.Matches(topic, filter));
}
