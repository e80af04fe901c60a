using System.Globalization;

namespace EdgeNode.Cli;

/// <summary>Parsed <c>edgenode simulate-fleet</c> arguments.</summary>
internal sealed record SimulateFleetArguments
{
    public const string Usage = """
        usage: edgenode simulate-fleet --nodes N --broker <host:port> --train <dir> --test <dir>
                              [--partition iid|shards:K|dirichlet:A] [--rounds R] [--local-epochs E]
                              [--compression none|int8|topk:F] [--dp-noise S] [--clip C] [--proximal M] [--lr R]
                              [--rule fedavg|trimmed|median] [--seed S] [--models <dir>] [--cache <dir>] [--json]
          N virtual nodes (each its own MQTT connection and samples) and an in-process aggregator against the broker.
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

        string[] known = ["nodes", "broker", "train", "test", "partition", "rounds", "local-epochs", "compression", "dp-noise", "clip", "proximal", "lr", "rule", "seed", "models", "cache"];
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
