using System.CommandLine;
using EdgeNode.Common;
using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>Parsed <c>edgenode learn</c> arguments.</summary>
internal sealed record LearnArguments
{
    /// <summary>The node's default reservoir per class (<c>EdgeNode:Learning:ReplayPerClass</c>), so the tool learns as the node does.</summary>
    public const int DefaultReplay = 200;

    public required string Train { get; init; }

    public required string Test { get; init; }

    public string? Backbone { get; init; }

    public int Tasks { get; init; }

    public int Replay { get; init; } = DefaultReplay;

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

    /// <summary>The <c>learn</c> verb: its flags and help; <paramref name="run"/> gets the parsed arguments.</summary>
    public static Command CreateCommand(Func<LearnArguments, TextWriter, TextWriter, CancellationToken, int> run)
    {
        var train = new Option<string>("--train") { Description = "Training images: one subfolder per class with JPEG/PNG images.", Required = true, HelpName = "dir" };
        var test = new Option<string>("--test") { Description = "Test images, laid out as --train.", Required = true, HelpName = "dir" };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone ONNX file (default: the manifest's first model).", HelpName = "model.onnx" };
        var tasks = new Option<int>("--tasks") { Description = "Learn the classes in N tasks one after another (class-incremental) and compare with joint training.", HelpName = "N" }.Between(0, 1000);
        var replay = new Option<int>("--replay") { Description = "Replay reservoir per class for --tasks (the node's EdgeNode__Learning__ReplayPerClass).", DefaultValueFactory = _ => DefaultReplay, HelpName = "K" }.Between(0, 1_000_000);
        var hidden = new Option<int>("--hidden") { Description = "Hidden units of an MLP head (0: logistic regression).", HelpName = "H" }.Between(0, 4096);
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs (default: the node's).", HelpName = "E" }.Between(1, 100_000);
        var lr = new Option<float?>("--lr") { Description = "Learning rate (default: the node's).", HelpName = "R" };
        var l2 = new Option<float?>("--l2") { Description = "L2 weight decay (default: the node's).", HelpName = "L" };
        var proximal = new Option<float?>("--proximal") { Description = "Proximal term towards the previous head (default: the node's).", HelpName = "M" };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1, HelpName = "S" };
        var models = new Option<string>("--models") { Description = "Folder of the model manifest.", DefaultValueFactory = _ => "models", HelpName = "dir" };
        var cache = new Option<string?>("--cache") { Description = "Embedding cache folder (embeddings are cached per backbone hash).", HelpName = "dir" };
        var head = new Option<string>("--head") { Description = "The head kind the top-level JSON fields describe (the node's EdgeNode__Learning__Head); every kind is reported side by side, with 1/5/10-shot accuracy.", DefaultValueFactory = _ => HeadKinds.Name(HeadKinds.Default), HelpName = "discriminant|softmax|discriminant+softmax" };
        head.AcceptOnlyFromAmong([.. HeadKinds.All.Select(HeadKinds.Name)]);
        var json = new Option<bool>("--json") { Description = "The last line of stdout is one JSON object with the results." };
        var command = new Command("learn", "Train a head on labelled folders exactly as the node does and report test accuracy.")
        {
            train, test, backbone, tasks, replay, json, hidden, epochs, lr, l2, proximal, seed, models, cache, head,
        };
        command.SetAction((p, ct) => Task.FromResult(run(
            new LearnArguments
            {
                Train = p.GetRequiredValue(train),
                Test = p.GetRequiredValue(test),
                Backbone = p.GetValue(backbone),
                Tasks = p.GetValue(tasks),
                Replay = p.GetValue(replay),
                Json = p.GetValue(json),
                Hidden = p.GetValue(hidden),
                Epochs = p.GetValue(epochs),
                LearningRate = p.GetValue(lr),
                L2 = p.GetValue(l2),
                Proximal = p.GetValue(proximal),
                Seed = p.GetValue(seed),
                Models = p.GetRequiredValue(models),
                Cache = p.GetValue(cache),
                Head = HeadKinds.TryParse(p.GetValue(head), out var kind) ? kind : HeadKinds.Default,
            },
            p.InvocationConfiguration.Output,
            p.InvocationConfiguration.Error,
            ct)));
        return command;
    }
}
