using System.CommandLine;
using System.CommandLine.Invocation;
using EdgeNode.Common;
using EdgeNode.Compression.Cli;

namespace EdgeNode.Cli;

/// <summary>
/// <c>edgenode [verb] …</c>: one System.CommandLine tree for every verb, so that <c>--help</c> on any of them prints its
/// usage and exits 0 and a usage error prints one message and exits 64. No verb, or configuration arguments alone
/// (<c>edgenode --EdgeNode:Mqtt:Port=1884</c>), runs the node.
/// </summary>
internal static class CommandLine
{
    /// <summary>The verbs in the order help and README.md list them.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("EdgeNode: cameras and sensors, quantized ONNX inference, on-device learning and federated learning over MQTT.")
        {
            RunCommand.Create(),
            ResultsCommand.Create(),
            CompressCommand.Create(),
            BenchCommand.Create(),
            SplitCommand.Create(),
            LearnCommand.Create(),
            SimulateFleetCommand.Create(),
            ModelCommand.Create(),
            WebCommand.Create(),
            VersionCommand.Create(),
        };
        var help = new Command("help", "Print this text, or a verb's usage (edgenode help <verb>).");
        var verb = new Argument<string[]>("verb") { Arity = ArgumentArity.ZeroOrMore }.NoFlags();
        verb.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !root.Subcommands.Any(c => c.Name == r.Tokens[0].Value))
            {
                r.AddError($"unknown verb '{r.Tokens[0].Value}'.");
            }
        });
        help.Arguments.Add(verb);
        help.SetAction(p =>
        {
            p.InvocationConfiguration.Output.Write(CommandLineRunner.Help(root, p.GetValue(verb) ?? []));
            return ExitCodes.Success;
        });
        root.Subcommands.Add(help);
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();
        root.Options.Add(new Option<bool>("--usage-markdown") { Hidden = true, Action = new PrintUsageMarkdown(root) });
        return root;
    }

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // Before System.CommandLine, any first word starting with '-' ran the node with it as configuration; it still
        // does, except for the words that ask for help or the version.
        if (args.Length == 0 || (args[0].StartsWith('-') && args[0] is not ("--help" or "-h" or "-?" or "--version" or "--usage-markdown")))
        {
            args = ["run", .. args];
        }

        var root = Create();
        if (!args[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == args[0]))
        {
            stderr.WriteLine($"edgenode: unknown verb '{args[0]}'.");
            stderr.WriteLine("Try 'edgenode --help'.");
            return Task.FromResult(CommandLineRunner.UsageExitCode);
        }

        // The node's host handles SIGTERM/Ctrl-C itself (drain, offline, exit 0); the tools stop on Ctrl-C.
        var cancellationToken = args[0] == "run" ? CancellationToken.None : CancelOnCtrlC();
        return CommandLineRunner.InvokeAsync(root, args, "edgenode", stdout, stderr, cancellationToken);
    }

    private static CancellationToken CancelOnCtrlC()
    {
        var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        return cts.Token;
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) => VersionCommand.Run(parseResult.InvocationConfiguration.Output);
    }

    private sealed class PrintUsageMarkdown(RootCommand root) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.Write(CliUsage.Markdown(root));
            return ExitCodes.Success;
        }
    }
}
