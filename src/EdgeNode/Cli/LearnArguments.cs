using System.Globalization;
using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>Parsed <c>edgenode learn</c> arguments.</summary>
internal sealed record LearnArguments
{
    public const string Usage = """
        usage: edgenode learn --train <dir> --test <dir> [--backbone <model.onnx>] [--tasks N] [--replay K] [--json]
                              [--hidden H] [--epochs E] [--lr R] [--l2 L] [--proximal M] [--seed S] [--models <dir>] [--cache <dir>]
                              [--head discriminant|softmax|discriminant+softmax]
          <dir> holds one subfolder per class with JPEG/PNG images. Embeddings are cached per backbone hash.
          --tasks N   learn the classes in N tasks one after another (class-incremental) and compare with joint training
          --replay K  replay reservoir per class for --tasks (default 200, the node's EdgeNode__Learning__ReplayPerClass)
          --head K    the head kind the top-level JSON fields describe (default discriminant, the node's EdgeNode__Learning__Head);
                      every kind is reported side by side, with 1/5/10-shot accuracy
          --json      the last line of stdout is one JSON object with the results
        """;

    public required string Train { get; init; }

    public required string Test { get; init; }

    public string? Backbone { get; init; }

    public int Tasks { get; init; }

    public int Replay { get; init; } = DefaultReplay;

    /// <summary>The node's default reservoir per class (<c>EdgeNode:Learning:ReplayPerClass</c>), so the tool learns as the node does.</summary>
    public const int DefaultReplay = 200;

    public bool Json { get; init; }

    public int Hidden { get; init; }

    public int? Epochs { get; init; }

    public float? LearningRate { get; init; }

    public float? L2 { get; init; }

    public float? Proximal { get; init; }

    public int Seed { get; init; } = 1;

    public string Models { get; init; } = "models";

    public string? Cache { get; init; }

    /// <summary>The head kind the top-level results describe (<c>--head</c>).</summary>
    public HeadKind Head { get; init; } = HeadKinds.Default;

    /// <summary>Parses <paramref name="args"/>; returns null and an error message when they are invalid.</summary>
    public static LearnArguments? Parse(string[] args, out string? error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name == "--json")
            {
                json = true;
                continue;
            }

            if (!name.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error = $"unexpected argument '{name}'";
                return null;
            }

            values[name[2..]] = args[++i];
        }

        string[] known = ["train", "test", "backbone", "tasks", "replay", "hidden", "epochs", "lr", "l2", "proximal", "seed", "models", "cache", "head"];
        var unknown = values.Keys.FirstOrDefault(k => !known.Contains(k));
        if (unknown is not null)
        {
            error = $"unknown option '--{unknown}'";
            return null;
        }

        if (!values.TryGetValue("train", out var train) || !values.TryGetValue("test", out var test))
        {
            error = "--train and --test are required";
            return null;
        }

        var head = HeadKinds.Default;
        if (values.TryGetValue("head", out var kind) && !HeadKinds.TryParse(kind, out head))
        {
            error = $"--head must be discriminant, softmax or discriminant+softmax, got '{kind}'";
            return null;
        }

        try
        {
            var parsed = new LearnArguments
            {
                Train = train,
                Test = test,
                Backbone = values.GetValueOrDefault("backbone"),
                Tasks = Int(values, "tasks", 0, 0, 1000),
                Replay = Int(values, "replay", DefaultReplay, 0, 1_000_000),
                Json = json,
                Hidden = Int(values, "hidden", 0, 0, 4096),
                Epochs = values.ContainsKey("epochs") ? Int(values, "epochs", 0, 1, 100_000) : null,
                LearningRate = values.TryGetValue("lr", out var lr) ? float.Parse(lr, CultureInfo.InvariantCulture) : null,
                L2 = values.TryGetValue("l2", out var l2) ? float.Parse(l2, CultureInfo.InvariantCulture) : null,
                Proximal = values.TryGetValue("proximal", out var mu) ? float.Parse(mu, CultureInfo.InvariantCulture) : null,
                Seed = Int(values, "seed", 1, int.MinValue, int.MaxValue),
                Models = values.GetValueOrDefault("models", "models"),
                Cache = values.GetValueOrDefault("cache"),
                Head = head,
            };
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

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FormatException($"--{name} must be an integer between {min} and {max}, got '{text}'");
        }

        return value;
    }
}
