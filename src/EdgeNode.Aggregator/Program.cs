using System.CommandLine;
using EdgeNode.Aggregation;
using EdgeNode.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// Every argument but --help/--version is configuration (--EdgeNode:Aggregator:Fleet=lab), as before.
var root = new RootCommand("The EdgeNode fleet aggregator: verifies signed head updates from MQTT, combines them robustly and publishes the versioned global head. Configuration: appsettings.json, EdgeNode__* environment variables, then --EdgeNode:Key=Value arguments.")
{
    TreatUnmatchedTokensAsErrors = false,
};
root.SetAction(async (parseResult, cancellationToken) =>
{
    try
    {
        using var host = AggregatorHost.Create([.. parseResult.UnmatchedTokens]).Build();
        await host.RunAsync(cancellationToken);
        return 0;
    }
    catch (OptionsValidationException ex)
    {
        await Console.Error.WriteLineAsync("edgenode-aggregator: invalid configuration: " + string.Join("; ", ex.Failures));
        return 78;
    }
});

// The host handles SIGTERM itself.
return await CommandLineRunner.InvokeAsync(root, args, "edgenode-aggregator", Console.Out, Console.Error, CancellationToken.None);
