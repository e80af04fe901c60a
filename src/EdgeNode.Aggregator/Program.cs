using EdgeNode.Aggregation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

try
{
    using var host = AggregatorHost.Create(args).Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("edgenode-aggregator: invalid configuration: " + string.Join("; ", ex.Failures));
    return 78;
}
