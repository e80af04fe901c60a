using System.Globalization;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Cli;

/// <summary>Parsed <c>edgenode simulate-fleet</c> arguments.</summary>
internal sealed record SimulateFleetArguments
{
    public const string Usage = """
        usage: edgenode simulate-fleet --nodes N --broker <host:port> --train <dir> --test <dir>
                              [--partition iid|shards:K|dirichlet:A] [--rounds R] [--local-epochs E]
                              [--compression none|int8|topk:F] [--dp-noise S] [--clip C] [--proximal M] [--lr R]
                              [--rule fedavg|trimmed|median] [--seed S] [--models <dir>] [--cache <dir>] [--json]
                              [--head discriminant|softmax|discriminant+softmax] [--dp-epsilon E]
                              [--statistics-precision float32|float64] [--max-node-samples N]
          N virtual nodes (each its own MQTT connection and samples) and an in-process aggregator against the broker.
          Every head kind runs side by side: discriminant (one statistics round), softmax (R FedAvg rounds from zero),
          discriminant+softmax (the statistics round, then R FedAvg rounds from its head). --head picks the kind the
          top-level JSON fields describe (default discriminant). --dp-epsilon E noises the statistics round for client-level
          (E, 1e-5)-DP (embeddings clipped to norm 1, a node counted as at most --max-node-samples, default its share).
          --json  the last line of stdout is one JSON object: accuracy, accuracy_centralized, rounds, bytes_per_update, …
        """;

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

    public int Seed { get; init; } = 1;

    public string Models { get; init; } = "models";

    public string? Cache { get; init; }

    public bool Json { get; init; }

    /// <summary>The head kind the top-level results describe (<c>--head</c>).</summary>
    public HeadKind Head { get; init; } = HeadKinds.Default;

    /// <summary>Client-level DP of the statistics round: target ε at δ = 1e-5 (<c>--dp-epsilon</c>; 0: off).</summary>
    public double DpEpsilon { get; init; }

    /// <summary>How the statistics travel (<c>--statistics-precision</c>).</summary>
    public StatisticsPrecision StatisticsPrecision { get; init; } = StatisticsPrecision.Compact;

    /// <summary>The aggregator's per-node sample bound in the statistics round (<c>--max-node-samples</c>); null: 10,000, or with DP the largest node's count.</summary>
    public double? MaxNodeSamples { get; init; }

    public static SimulateFleetArguments? Parse(string[] args, out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--json")
            {
                json = true;
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error = $"unexpected argument '{args[i]}'";
                return null;
            }

            values[args[i][2..]] = args[++i];
        }

        string[] known = ["nodes", "broker", "train", "test", "partition", "rounds", "local-epochs", "compression", "dp-noise", "clip", "proximal", "lr", "rule", "seed", "models", "cache", "head", "dp-epsilon", "statistics-precision", "max-node-samples"];
        var unknown = values.Keys.FirstOrDefault(k => !known.Contains(k));
        if (unknown is not null)
        {
            error = $"unknown option '--{unknown}'";
            return null;
        }

        if (!values.TryGetValue("nodes", out _) || !values.TryGetValue("broker", out var broker) || !values.TryGetValue("train", out var train) || !values.TryGetValue("test", out var test))
        {
            error = "--nodes, --broker, --train and --test are required";
            return null;
        }

        var colon = broker.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(broker.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"--broker must be host:port, got '{broker}'";
            return null;
        }

        var head = HeadKinds.Default;
        if (values.TryGetValue("head", out var kind) && !HeadKinds.TryParse(kind, out head))
        {
            error = $"--head must be discriminant, softmax or discriminant+softmax, got '{kind}'";
            return null;
        }

        var precision = values.GetValueOrDefault("statistics-precision", "float32");
        if (precision is not ("float32" or "float64"))
        {
            error = $"--statistics-precision must be float32 or float64, got '{precision}'";
            return null;
        }

        try
        {
            var parsed = new SimulateFleetArguments
            {
                Nodes = Int(values, "nodes", 0, 1, 100_000),
                BrokerHost = broker[..colon],
                BrokerPort = port,
                Train = train,
                Test = test,
                Partition = values.GetValueOrDefault("partition", "iid"),
                Rounds = Int(values, "rounds", 30, 1, 100_000),
                LocalEpochs = Int(values, "local-epochs", 5, 1, 10_000),
                Compression = values.GetValueOrDefault("compression", "none"),
                DpNoise = Number(values, "dp-noise", 0),
                Clip = (float)Number(values, "clip", 0),
                Proximal = (float)Number(values, "proximal", 0),
                LearningRate = (float)Number(values, "lr", 5e-3),
                Rule = values.GetValueOrDefault("rule", "fedavg"),
                Seed = Int(values, "seed", 1, int.MinValue, int.MaxValue),
                Models = values.GetValueOrDefault("models", "models"),
                Cache = values.GetValueOrDefault("cache"),
                Json = json,
                Head = head,
                DpEpsilon = Number(values, "dp-epsilon", 0),
                StatisticsPrecision = precision == "float64" ? StatisticsPrecision.Exact : StatisticsPrecision.Compact,
                MaxNodeSamples = values.ContainsKey("max-node-samples") ? Math.Max(1, Number(values, "max-node-samples", 1)) : null,
            };
            EdgeNode.Learning.Federated.CodecSettings.Parse(parsed.Compression);
            FleetPartition.Validate(parsed.Partition);
            if (parsed.Rule is not ("fedavg" or "trimmed" or "median"))
            {
                throw new FormatException($"--rule must be fedavg, trimmed or median, got '{parsed.Rule}'");
            }

            error = null;
            return parsed;
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback, int min, int max)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"--{name} must be an integer between {min} and {max}, got '{text}'");
    }

    private static double Number(Dictionary<string, string> values, string name, double fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value)
            ? value
            : throw new FormatException($"--{name} must be a non-negative number, got '{text}'");
    }
}
