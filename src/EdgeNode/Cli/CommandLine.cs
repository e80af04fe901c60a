namespace EdgeNode.Cli;

/// <summary>Dispatches <c>edgenode [verb] …</c>; no verb (or <c>run</c>) runs the node.</summary>
internal static class CommandLine
{
    private const string Usage = """
        usage: edgenode [run] [--Key=Value …]        run the node (configuration: appsettings.json, EdgeNode__* environment variables)
               edgenode version                       print version, runtime and ONNX Runtime build
               edgenode help                          this text
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = args.Length > 0 && verb == args[0] ? args[1..] : args;
        switch (verb)
        {
            case "run":
                return await RunCommand.RunAsync(rest, stderr);
            case "version" or "--version":
                return VersionCommand.Run(stdout);
            case "help" or "--help" or "-h":
                stdout.WriteLine(Usage);
                return ExitCodes.Success;
            default:
                stderr.WriteLine($"edgenode: unknown verb '{verb}'.");
                stderr.WriteLine(Usage);
                return ExitCodes.Usage;
        }
    }
}
