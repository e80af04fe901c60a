namespace EdgeNode.Cli;

/// <summary>Dispatches <c>edgenode [verb] …</c>; no verb (or <c>run</c>) runs the node.</summary>
internal static class CommandLine
{
    private const string Usage = """
        usage: edgenode [run] [--Key=Value …]        run the node (configuration: appsettings.json, EdgeNode__* environment variables)
               edgenode compress <input.onnx> -o <output.onnx> [--calibration <image-dir>] [--calibration-count N]
                                 [--calibrator minmax|percentile|entropy] [--dynamic] [--sparsity S] [--prune-channels F] [--json]
               edgenode bench <model.onnx> [<model2.onnx>] [--threads N] [--runs N] [--warmup N] [--provider cpu|cuda|tensorrt] [--json]
               edgenode learn --train <dir> --test <dir> [--tasks N] [--replay K] [--json]   train a head on labelled folders and report accuracy
               edgenode results [--since T] [--limit N] [--pending] [--kind K] [--json] [--db PATH]   the result cache, read-only
               edgenode simulate-fleet --nodes N --broker <host:port> --train <dir> --test <dir> [--partition iid|shards:K|dirichlet:A] [--rounds R]
                                 [--local-epochs E] [--compression none|int8|topk:F] [--dp-noise S] [--json]   federated learning over MQTT with N virtual nodes
               edgenode model keygen --out <dir> [--name <key>]   a model-signing key pair
               edgenode model sign --key <key.key> --model <file.onnx> --name <id> --version <v> [--out <signed.json>]   sign a model update
               edgenode model verify --keys <key.pem|dir> --manifest <signed.json> [--model <file.onnx>]   check a signed model as a node would
               edgenode web passwd --out <file>       hash a password read from stdin for EdgeNode__Web__PasswordFile
               edgenode version                       print version, runtime and ONNX Runtime build
               edgenode help                          this text
        """;

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

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verb = args.Length > 0 && !args[0].StartsWith('-') ? args[0] : "run";
        var rest = args.Length > 0 && verb == args[0] ? args[1..] : args;
        switch (verb)
        {
            case "run":
                return await RunCommand.RunAsync(rest, stderr);
            case "compress":
                return await EdgeNode.Compression.Cli.CompressCommand.RunAsync(rest, stdout, stderr, CancelOnCtrlC());
            case "bench":
                return await EdgeNode.Compression.Cli.BenchCommand.RunAsync(rest, stdout, stderr, CancelOnCtrlC());
            case "learn":
                return LearnCommand.Run(rest, stdout, stderr);
            case "simulate-fleet":
                return await SimulateFleetCommand.RunAsync(rest, stdout, stderr, CancelOnCtrlC());
            case "model":
                return await ModelCommand.RunAsync(rest, stdout, stderr, CancelOnCtrlC());
            case "results":
                return await ResultsCommand.RunAsync(rest, stdout, stderr, CancelOnCtrlC());
            case "web":
                return await WebCommand.RunAsync(rest, Console.In, stdout, stderr, CancelOnCtrlC());
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
