using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeNode.Aggregation.Tests;

public sealed class AggregatorOptionsTests
{
    [Theory]
    [InlineData("--EdgeNode:Aggregator:MinUpdates=0", "MinUpdates")]
    [InlineData("--EdgeNode:Aggregator:Fleet=a/b", "Fleet")]
    [InlineData("--EdgeNode:Aggregator:Compression=gzip", "Compression")]
    [InlineData("--EdgeNode:Aggregator:RoundSeconds=0", "RoundSeconds")]
    public async Task Start_InvalidOption_FailsNamingIt(string setting, string name)
    {
        using var host = AggregatorHost.Create([setting]).Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(name, string.Join(";", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StatisticsRoundWithDpNoise_FailsNamingBoth()
    {
        using var host = AggregatorHost.Create(["--EdgeNode:Aggregator:StatisticsRound=true", "--EdgeNode:Aggregator:DpNoiseMultiplier=1"]).Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("EdgeNode__Aggregator__StatisticsRound", string.Join(";", error.Failures), StringComparison.Ordinal);
        Assert.Contains("EdgeNode__Aggregator__DpNoiseMultiplier", string.Join(";", error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_MaxNodeSamplesBelowOne_FailsNamingIt()
    {
        using var host = AggregatorHost.Create(["--EdgeNode:Aggregator:MaxNodeSamples=0.5"]).Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("MaxNodeSamples", string.Join(";", error.Failures), StringComparison.Ordinal);
    }
}
