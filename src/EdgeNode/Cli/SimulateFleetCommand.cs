using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using EdgeNode.Aggregation;
using EdgeNode.Common;
using EdgeNode.Inference;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;
using EdgeNode.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Cli;

/// <summary>
/// <c>edgenode simulate-fleet</c>: N virtual nodes, each with its own MQTT connection, samples and signing key,
/// and the aggregator host in-process, against a real broker; prints per-round test accuracy, bytes per update,
/// round time and messages, and the centralized accuracy of the same head trained on all data at once.
/// </summary>
internal static class SimulateFleetCommand
{
    private const string Prefix = "edgenode";

    // FedDyn's α as in Acar et al. 2021's experiments; it assumes local training nearly solves each local problem.
    private const float FedDynAlpha = 0.01f;

    // A node's default validation split (EdgeNode:Learning:ValidationFraction).
    private const double ValidationFraction = 0.2;

    /// <summary>The <c>simulate-fleet</c> verb.</summary>
    public static Command Create() => SimulateFleetArguments.CreateCommand(ExecuteAsync);

    private static async Task<int> ExecuteAsync(SimulateFleetArguments parsed, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(parsed, stdout, stderr, cancellationToken);
        }
        catch (ModelLoadException ex)
        {
            await stderr.WriteLineAsync("edgenode simulate-fleet: cannot load the backbone: " + ex.Message);
            return ExitCodes.Model;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or TimeoutException)
        {
            await stderr.WriteLineAsync("edgenode simulate-fleet: " + ex.Message);
            return ExitCodes.Io;
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync("edgenode simulate-fleet: " + ex.Message);
            return ExitCodes.Usage;
        }
    }

    private static async Task<int> RunAsync(SimulateFleetArguments a, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (train, test) = FleetEmbeddings.Load(a.Train, a.Test, a.Models, a.Cache, stderr, cancellationToken);
        var central = new HeadModel(train.Dimension, 0, a.Seed);
        HeadTrainer.Train(central, train, new TrainingOptions { Seed = a.Seed }, cancellationToken);
        var centralAccuracy = HeadEvaluator.Accuracy(central, test);
        await stdout.WriteLineAsync(FormattableString.Invariant($"centralized: accuracy {centralAccuracy:F4} ({train.Count} train / {test.Count} test samples)"));

        var parts = FleetPartition.Split(train, a.Nodes, a.Partition, a.Seed);
        var active = parts.Count(p => p.Count > 0);

        // The fleet agrees on one standardisation from per-node sufficient statistics (n, Σx, Σx²), not from samples.
        var statistics = ScalerStatistics.Of(parts[0]);
        foreach (var part in parts.Skip(1))
        {
            statistics.Add(ScalerStatistics.Of(part));
        }

        var initial = new HeadModel(train.Dimension, 0, a.Seed);
        foreach (var label in train.Classes.Order(StringComparer.Ordinal))
        {
            initial.AddClass(label);
        }

        initial.Restandardize(statistics.ToScaler());
        var signers = new EcdsaSigner[a.Nodes];
        for (var i = 0; i < a.Nodes; i++)
        {
            signers[i] = EcdsaSigner.Create();
        }

        try
        {
            var fleet = "sim" + Guid.NewGuid().ToString("N")[..6];
            var report = new SimulateFleetReport(a, train, test, centralAccuracy);
            var statisticsRound = await FleetStatisticsRound.RunAsync(a, parts, signers, NodeId, Prefix, fleet + "s", stderr, cancellationToken);
            await stdout.WriteLineAsync(report.Statistics(statisticsRound));
            var softmax = await RunRoundsAsync(a, initial, parts, active, signers, HeadKind.Softmax, fleet, test, stdout, stderr, cancellationToken);
            var start = statisticsRound.Head.Clone();
            start.Restandardize(statistics.ToScaler());
            var refined = await RunRoundsAsync(a, start, parts, active, signers, HeadKind.DiscriminantSoftmax, fleet + "r", test, stdout, stderr, cancellationToken);
            foreach (var line in report.Lines(softmax, refined))
            {
                await stdout.WriteLineAsync(line);
            }

            if (a.Json)
            {
                await stdout.WriteLineAsync(report.Json(softmax, refined));
            }
        }
        finally
        {
            foreach (var signer in signers)
            {
                signer.Dispose();
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>FedAvg rounds over the broker with the aggregator host from <paramref name="initial"/>, as before issue 15.</summary>
    private static async Task<FleetRoundsResult> RunRoundsAsync(SimulateFleetArguments a, HeadModel initial, SampleSet[] parts, int active, EcdsaSigner[] signers, HeadKind kind, string fleet, SampleSet test, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var name = HeadKinds.Name(kind);
        var root = Path.Combine(Path.GetTempPath(), "edgenode-fleet-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "keys"));
        await File.WriteAllBytesAsync(Path.Combine(root, "initial.head"), HeadSerializer.Serialize(initial, new HeadInfo(0, DateTimeOffset.UnixEpoch, "simulate-fleet", 0, 0)), cancellationToken);
        for (var i = 0; i < a.Nodes; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(root, "keys", NodeId(i) + ".pem"), signers[i].ExportPublicKeyPem(), cancellationToken);
        }

        await stderr.WriteLineAsync($"{name}: {a.Nodes} nodes ({active} with samples), partition {a.Partition}, compression {a.Compression}, fleet {fleet}, state {root}");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var host = StartAggregator(a, root, fleet, active, kind);
        await host.StartAsync(stop.Token);
        var aggregator = host.Services.GetRequiredService<AggregatorService>();
        await aggregator.Ready;

        var mqtt = new MqttOptions { Host = a.BrokerHost, Port = a.BrokerPort, EmbeddedBroker = false, KeepAliveSeconds = 60 };
        var globals = Channel.CreateUnbounded<(GlobalHead Global, long Timestamp)>();
        var monitor = new MqttMessageBus(mqtt, new NodeTopics(Prefix, fleet + "-monitor"), fleet + "-monitor", NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
        await monitor.SubscribeAsync($"{Prefix}/fleet/{fleet}/fl/global", (m, _) =>
        {
            globals.Writer.TryWrite((GlobalHead.Parse(m.Payload), Stopwatch.GetTimestamp()));
            return Task.CompletedTask;
        }, stop.Token);
        var loops = new List<Task> { monitor.RunAsync(stop.Token) };
        var buses = new List<MqttMessageBus> { monitor };
        var clients = new FederatedClient[a.Nodes];
        var failures = 0;
        for (var i = 0; i < a.Nodes; i++)
        {
            var bus = new MqttMessageBus(mqtt, new NodeTopics(Prefix, fleet + "-" + NodeId(i)), fleet + "-" + NodeId(i), NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
            // Under the validation gate a node holds back its local gate's split (about a fifth, split by id as a node's store is) to score heads on.
            var gated = kind == HeadKind.DiscriminantSoftmax && a.Gate;
            var (samples, validation) = gated ? Split(parts[i]) : (parts[i], null);
            clients[i] = new FederatedClient(bus, Prefix, fleet, NodeId(i), signers[i], () => samples)
            {
                Validation = validation is null ? null : (_, _) => ValueTask.FromResult<SampleSet?>(validation),
            };
            clients[i].Failed += (node, ex) =>
            {
                Interlocked.Increment(ref failures);
                stderr.WriteLine($"{node}: {ex.Message}");
            };
            await clients[i].StartAsync(stop.Token);
            buses.Add(bus);
            loops.Add(bus.RunAsync(stop.Token));
            loops.Add(clients[i].RunAsync(stop.Token));
        }

        var rows = new List<(long Round, double Accuracy, double Seconds, double BytesPerUpdate, long Messages)>();
        long lastBytes = 0, lastUpdates = 0, lastMessages = 0;
        long? previous = null;
        var roundTimeout = TimeSpan.FromSeconds(120);
        while (rows.Count < a.Rounds)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            wait.CancelAfter(roundTimeout);
            (GlobalHead Global, long Timestamp) next;
            try
            {
                next = await globals.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No global head after round {rows.Count} within {roundTimeout.TotalSeconds} s.");
            }

            if (next.Global.Version == 0 || previous is null)
            {
                previous ??= next.Timestamp;
                if (next.Global.Version == 0)
                {
                    continue;
                }
            }

            var bytes = clients.Sum(c => c.BytesSent);
            var updates = clients.Sum(c => c.UpdatesSent);
            var messages = clients.Sum(c => c.MessagesSent);
            // The fleet head (under the validation gate, the best head so far), which nodes serve; the round's head is its candidate.
            var accuracy = HeadEvaluator.Accuracy(next.Global.ReadFleetHead(), test);
            var candidate = next.Global.FleetHeadBytes.IsEmpty ? string.Empty : FormattableString.Invariant($" (fleet head v{next.Global.FleetVersion}; round's head {HeadEvaluator.Accuracy(next.Global.ReadHead(), test):F4})");
            var seconds = Stopwatch.GetElapsedTime(previous.Value, next.Timestamp).TotalSeconds;
            var perUpdate = updates > lastUpdates ? (bytes - lastBytes) / (double)(updates - lastUpdates) : 0;

            // Broker traffic of the round: the updates (chunks) in, one global publish in, and the global delivered to each node and the monitor.
            var brokerMessages = (messages - lastMessages) + 1 + a.Nodes + 1;
            rows.Add((next.Global.Version, accuracy, seconds, perUpdate, brokerMessages));
            await stdout.WriteLineAsync(FormattableString.Invariant($"{name} round {next.Global.Version,3}: accuracy {accuracy:F4}  {seconds:F2} s  {perUpdate:F0} B/update  {brokerMessages} messages{candidate}"));
            (lastBytes, lastUpdates, lastMessages, previous) = (bytes, updates, messages, next.Timestamp);
        }

        // Per-round counters are sampled when the global arrives, before every node's PUBACK returned; totals are exact.
        var totalUpdates = Math.Max(1, clients.Sum(c => c.UpdatesSent));
        var bytesPerUpdate = clients.Sum(c => c.BytesSent) / (double)totalUpdates;
        var messagesPerRound = (clients.Sum(c => c.MessagesSent) / (double)totalUpdates * active) + 1 + a.Nodes + 1;
        var epsilon = host.Services.GetRequiredService<RoundCoordinator>().DpEpsilon;
        await stop.CancelAsync();
        await host.StopAsync(CancellationToken.None);
        await Task.WhenAll(loops);
        foreach (var bus in buses)
        {
            await bus.DisposeAsync();
        }

        Directory.Delete(root, recursive: true);
        return new FleetRoundsResult(rows, bytesPerUpdate, messagesPerRound, epsilon, failures);
    }

    private static (SampleSet Train, SampleSet Validation) Split(SampleSet part)
    {
        var train = new SampleSet(part.Dimension);
        var validation = new SampleSet(part.Dimension);
        for (var i = 0; i < part.Count; i++)
        {
            (GatedTraining.IsValidation(i, ValidationFraction) ? validation : train).Add(part.Row(i), part.LabelOf(i));
        }

        return (train, validation);
    }

    private static string NodeId(int i) => "node" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static IHost StartAggregator(SimulateFleetArguments a, string root, string fleet, int active, HeadKind kind)
    {
        // The refinement of the statistics round trains a fixed number of steps under SCAFFOLD (or FedDyn); the softmax run keeps
        // today's epochs and FedAvg, to compare with.
        var refine = kind == HeadKind.DiscriminantSoftmax;
        var rule = a.Rule switch { "trimmed" => "TrimmedMean", "median" => "Median", _ => "FedAvg" };
        var builder = AggregatorHost.Create(
        [
            "--EdgeNode:Mqtt:Host=" + a.BrokerHost,
            "--EdgeNode:Mqtt:Port=" + a.BrokerPort.ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Mqtt:EmbeddedBroker=false",
            "--EdgeNode:Aggregator:Fleet=" + fleet,
            "--EdgeNode:Aggregator:InstanceId=" + fleet + "-aggregator",
            "--EdgeNode:Aggregator:StatePath=" + Path.Combine(root, "state"),
            "--EdgeNode:Aggregator:KeysPath=" + Path.Combine(root, "keys"),
            "--EdgeNode:Aggregator:InitialHeadPath=" + Path.Combine(root, "initial.head"),
            "--EdgeNode:Aggregator:MinUpdates=" + active.ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:RoundSeconds=60",
            "--EdgeNode:Aggregator:Rule=" + rule,
            "--EdgeNode:Aggregator:Epochs=" + a.LocalEpochs.ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:LocalSteps=" + (refine ? a.RefineSteps : 0).ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:Dynamic=" + (refine && a.RefineMethod == "feddyn" ? FedDynAlpha : 0).ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:ValidationGate=" + (refine && a.Gate ? "true" : "false"),
            "--EdgeNode:Aggregator:Scaffold=" + (refine && a.RefineMethod == "scaffold" ? "true" : "false"),
            "--EdgeNode:Aggregator:LearningRate=" + (refine ? a.RefineLearningRate : a.LearningRate).ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:Proximal=" + a.Proximal.ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:Compression=" + a.Compression,
            "--EdgeNode:Aggregator:ClipNorm=" + (a.Clip > 0 ? a.Clip : a.DpNoise > 0 ? 1f : 0f).ToString(CultureInfo.InvariantCulture),
            "--EdgeNode:Aggregator:DpNoiseMultiplier=" + a.DpNoise.ToString(CultureInfo.InvariantCulture),
        ]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder.Build();
    }
}
