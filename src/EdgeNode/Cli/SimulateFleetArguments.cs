using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using EdgeNode.Common;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Cli;

/// <summary>Parsed <c>edgenode simulate-fleet</c> arguments.</summary>
internal sealed record SimulateFleetArguments
{
    public required int Nodes { get; init; }

    public required string BrokerHost { get; init; }

    public required int BrokerPort { get; init; }

    public required string Train { get; init; }

    public required string Test { get; init; }

    public string Partition { get; init; } = "iid";

    public int Rounds { get; init; } = 30;

    public int LocalEpochs { get; init; } = 5;

    public string Compression { get; init; } = "none";

    public double DpNoise { get; init; }

    public float Clip { get; init; }

    public float Proximal { get; init; }

    public float LearningRate { get; init; } = 5e-3f;

    public string Rule { get; init; } = "fedavg";

    /// <summary>Local steps of a refinement round after the statistics round (<c>--refine-steps</c>).</summary>
    public int RefineSteps { get; init; } = 20;

    /// <summary>Drift correction of the refinement rounds (<c>--refine-method</c>): scaffold, feddyn or fedavg.</summary>
    public string RefineMethod { get; init; } = "scaffold";

    /// <summary>Local step size of the refinement rounds (<c>--refine-lr</c>; SGD under SCAFFOLD, Adam otherwise).</summary>
    public float RefineLearningRate { get; init; } = 0.02f;

    /// <summary>The fleet's validation gate over the refinement rounds (<c>--gate on|off</c>; <c>EdgeNode:Aggregator:ValidationGate</c>).</summary>
    public bool Gate { get; init; } = true;

    public int Seed { get; init; } = 1;

    public string Models { get; init; } = "models";

    public string? Cache { get; init; }

    public bool Json { get; init; }

    /// <summary>The head kind the top-level results describe (<c>--head</c>).</summary>
    public HeadKind Head { get; init; } = HeadKinds.Default;

    /// <summary>Client-level DP of the statistics round: target ε at δ = 1e-5 (<c>--dp-epsilon</c>; 0: off).</summary>
    public double DpEpsilon { get; init; }

    /// <summary>What the statistics round's DP hides (<c>--dp-unit</c>): a node or a sample.</summary>
    public PrivacyUnit DpUnit { get; init; } = PrivacyUnit.Node;

    /// <summary>How the statistics travel (<c>--statistics-precision</c>).</summary>
    public StatisticsPrecision StatisticsPrecision { get; init; } = StatisticsPrecision.Compact;

    /// <summary>The aggregator's per-node sample bound in the statistics round (<c>--max-node-samples</c>); null: 10,000, or with DP the largest node's count.</summary>
    public double? MaxNodeSamples { get; init; }

    /// <summary>The <c>simulate-fleet</c> verb: its flags and help; <paramref name="run"/> gets the parsed arguments.</summary>
    public static Command CreateCommand(Func<SimulateFleetArguments, TextWriter, TextWriter, CancellationToken, Task<int>> run)
    {
        var nodes = new Option<int>("--nodes") { Description = "Virtual nodes, each with its own MQTT connection, samples and signing key.", Required = true, HelpName = "N" }.Between(1, 100_000);
        var broker = new Option<string>("--broker") { Description = "The MQTT broker.", Required = true, HelpName = "host:port" };
        broker.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !TrySplitBroker(r.Tokens[0].Value, out _, out _))
            {
                r.AddError($"--broker must be host:port, got '{r.Tokens[0].Value}'");
            }
        });
        var train = new Option<string>("--train") { Description = "Training images: one subfolder per class.", Required = true, HelpName = "dir" };
        var test = new Option<string>("--test") { Description = "Test images, laid out as --train.", Required = true, HelpName = "dir" };
        var partition = new Option<string>("--partition") { Description = "How the training set is split between nodes: iid, shards:K or dirichlet:A.", DefaultValueFactory = _ => "iid", HelpName = "iid|shards:K|dirichlet:A" };
        partition.Validators.Add(r => Check(r, FleetPartition.Validate));
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds.", DefaultValueFactory = _ => 30, HelpName = "R" }.Between(1, 100_000);
        var localEpochs = new Option<int>("--local-epochs") { Description = "Local epochs per round.", DefaultValueFactory = _ => 5, HelpName = "E" }.Between(1, 10_000);
        var compression = new Option<string>("--compression") { Description = "Update codec: none, int8 or topk:F.", DefaultValueFactory = _ => "none", HelpName = "none|int8|topk:F" };
        compression.Validators.Add(r => Check(r, text => EdgeNode.Learning.Federated.CodecSettings.Parse(text)));
        var dpNoise = new Option<double>("--dp-noise") { Description = "Differential-privacy noise multiplier (0: none).", HelpName = "S" }.NonNegative();
        var clip = new Option<double>("--clip") { Description = "Update norm clip (0: none; 1 when --dp-noise is given).", HelpName = "C" }.NonNegative();
        var proximal = new Option<double>("--proximal") { Description = "FedProx proximal term.", HelpName = "M" }.NonNegative();
        var lr = new Option<double>("--lr") { Description = "Local learning rate.", DefaultValueFactory = _ => 5e-3, HelpName = "R" }.NonNegative();
        var rule = new Option<string>("--rule") { Description = "Aggregation rule.", DefaultValueFactory = _ => "fedavg" };
        rule.AcceptOnlyFromAmong("fedavg", "trimmed", "median");
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1, HelpName = "S" };
        var models = new Option<string>("--models") { Description = "Folder of the model manifest.", DefaultValueFactory = _ => "models", HelpName = "dir" };
        var cache = new Option<string?>("--cache") { Description = "Embedding cache folder.", HelpName = "dir" };
        var head = new Option<string>("--head") { Description = "The head kind the top-level JSON fields describe; every kind runs side by side: discriminant (one statistics round), softmax (R FedAvg rounds from zero), discriminant+softmax (the statistics round, then R rounds from its head).", DefaultValueFactory = _ => HeadKinds.Name(HeadKinds.Default), HelpName = "discriminant|softmax|discriminant+softmax" };
        head.AcceptOnlyFromAmong([.. HeadKinds.All.Select(HeadKinds.Name)]);
        var dpEpsilon = new Option<double>("--dp-epsilon") { Description = "Noise the statistics round for (E, 1e-5)-DP of the --dp-unit (embeddings clipped to norm 1; 0: off).", HelpName = "E" }.NonNegative();
        var dpUnit = new Option<string>("--dp-unit") { Description = "What --dp-epsilon hides: a node's whole contribution (client-level) or any one sample (example-level).", DefaultValueFactory = _ => "node" };
        dpUnit.AcceptOnlyFromAmong("node", "sample");
        var refineSteps = new Option<int>("--refine-steps") { Description = "Local mini-batch steps per refinement round (discriminant+softmax), the same at any data size.", DefaultValueFactory = _ => 20, HelpName = "K" }.Between(1, 1_000_000);
        var refineMethod = new Option<string>("--refine-method") { Description = "Drift correction of the refinement rounds: scaffold (control variates, local SGD), feddyn (dynamic regularisation, alpha 0.01, local Adam) or fedavg.", DefaultValueFactory = _ => "scaffold" };
        refineMethod.AcceptOnlyFromAmong("scaffold", "feddyn", "fedavg");
        var gate = new Option<string>("--gate") { Description = "The fleet's validation gate over the refinement rounds: on (a round's head becomes the fleet head only when the nodes' pooled validation accuracy is higher; nodes hold back about a fifth of their samples for it) or off (the fleet head follows every round; nodes train on all).", DefaultValueFactory = _ => "on" };
        gate.AcceptOnlyFromAmong("on", "off");
        var refineLr = new Option<double>("--refine-lr") { Description = "Local step size of the refinement rounds (SGD under scaffold, Adam otherwise).", DefaultValueFactory = _ => 0.02, HelpName = "R" }.NonNegative();
        var precision = new Option<string>("--statistics-precision") { Description = "How the statistics travel: float32 (upper triangle) or float64.", DefaultValueFactory = _ => "float32" };
        precision.AcceptOnlyFromAmong("float32", "float64");
        var maxNodeSamples = new Option<double?>("--max-node-samples") { Description = "The aggregator's per-node sample bound in the statistics round (default 10,000, or with DP the largest node's count).", HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "The last line of stdout is one JSON object: accuracy, accuracy_centralized, rounds, bytes_per_update, …" };
        var command = new Command("simulate-fleet", "N virtual nodes and an in-process aggregator learning together over a real MQTT broker.")
        {
            nodes, broker, train, test, partition, rounds, localEpochs, compression, dpNoise, clip, proximal, lr, rule, seed, models, cache, json, head, dpEpsilon, dpUnit, precision, maxNodeSamples, refineSteps, refineMethod, refineLr, gate,
        };
        command.SetAction((p, ct) =>
        {
            TrySplitBroker(p.GetRequiredValue(broker), out var host, out var port);
            return run(
                new SimulateFleetArguments
                {
                    Nodes = p.GetValue(nodes),
                    BrokerHost = host,
                    BrokerPort = port,
                    Train = p.GetRequiredValue(train),
                    Test = p.GetRequiredValue(test),
                    Partition = p.GetRequiredValue(partition),
                    Rounds = p.GetValue(rounds),
                    LocalEpochs = p.GetValue(localEpochs),
                    Compression = p.GetRequiredValue(compression),
                    DpNoise = p.GetValue(dpNoise),
                    Clip = (float)p.GetValue(clip),
                    Proximal = (float)p.GetValue(proximal),
                    LearningRate = (float)p.GetValue(lr),
                    Rule = p.GetRequiredValue(rule),
                    Seed = p.GetValue(seed),
                    Models = p.GetRequiredValue(models),
                    Cache = p.GetValue(cache),
                    Json = p.GetValue(json),
                    Head = HeadKinds.TryParse(p.GetValue(head), out var kind) ? kind : HeadKinds.Default,
                    DpEpsilon = p.GetValue(dpEpsilon),
                    DpUnit = p.GetValue(dpUnit) == "sample" ? PrivacyUnit.Sample : PrivacyUnit.Node,
                    RefineSteps = p.GetValue(refineSteps),
                    RefineMethod = p.GetValue(refineMethod) ?? "scaffold",
                    Gate = p.GetValue(gate) != "off",
                    RefineLearningRate = (float)p.GetValue(refineLr),
                    StatisticsPrecision = p.GetValue(precision) == "float64" ? StatisticsPrecision.Exact : StatisticsPrecision.Compact,
                    MaxNodeSamples = p.GetValue(maxNodeSamples) is { } max ? Math.Max(1, max) : null,
                },
                p.InvocationConfiguration.Output,
                p.InvocationConfiguration.Error,
                ct);
        });
        return command;
    }

    private static bool TrySplitBroker(string broker, out string host, out int port)
    {
        var colon = broker.LastIndexOf(':');
        host = colon > 0 ? broker[..colon] : string.Empty;
        port = 0;
        return colon > 0 && int.TryParse(broker.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
    }

    private static void Check(OptionResult result, Action<string> validate)
    {
        if (result.Tokens.Count == 0)
        {
            return;
        }

        try
        {
            validate(result.Tokens[0].Value);
        }
        catch (FormatException ex)
        {
            result.AddError(ex.Message);
        }
    }
}
