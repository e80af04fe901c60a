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
}
