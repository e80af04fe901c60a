using System.Diagnostics;
using EdgeNode.Common;
using EdgeNode.Learning;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Learning.Federated;
using EdgeNode.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Cli;

/// <summary>
/// <c>simulate-fleet</c>'s statistics round over the broker: every node publishes its signed statistics (chunked) on
/// <c>{prefix}/fleet/{fleet}/fl/statistics/{node}</c>; a collector verifies and sums them with <see cref="StatisticsRound"/>.
/// </summary>
internal static class FleetStatisticsRound
{
    public static async Task<FleetStatisticsResult> RunAsync(SimulateFleetArguments a, IReadOnlyList<SampleSet> parts, EcdsaSigner[] signers, Func<int, string> nodeId, string prefix, string fleet, TextWriter stderr, CancellationToken cancellationToken)
    {
        var dimension = parts.First(p => p.Count > 0).Dimension;
        var dp = a.DpEpsilon > 0;
        // With DP every embedding is clipped to norm 1 (ResNet18 norms are far above it, so this L2-normalises them;
        // the discriminant does not depend on the scale), and a node counts as at most its share of the fleet's samples.
        var clip = dp ? 1.0 : 0.0;
        var bound = a.MaxNodeSamples ?? (dp ? parts.Max(p => p.Count) : 10_000);
        var options = new StatisticsRoundOptions
        {
            Dimension = dimension,
            Round = 1,
            MaxSamplesPerNode = bound,
            ClipNorm = clip,
            NoiseMultiplier = dp ? StatisticsNoise.MultiplierFor(a.DpEpsilon) : 0,
            PrivacyUnit = a.DpUnit,
        };
        using var keys = new EcdsaKeyRing();
        for (var i = 0; i < parts.Count; i++)
        {
            keys.Register(nodeId(i), signers[i].ExportPublicKeyPem());
        }

        var round = new StatisticsRound(keys, options);
        var assembler = new ChunkAssembler(maxMessageBytes: 64 << 20);
        var active = parts.Count(p => p.Count > 0);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int answered = 0, bounded = 0;
        var mqtt = new MqttOptions { Host = a.BrokerHost, Port = a.BrokerPort, EmbeddedBroker = false, KeepAliveSeconds = 60 };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var buses = new List<MqttMessageBus>();
        var loops = new List<Task>();
        var collector = await ConnectAsync(mqtt, prefix, fleet + "-statistics", buses, loops, stop.Token);
        await collector.SubscribeAsync($"{prefix}/fleet/{fleet}/fl/statistics/+", (m, _) =>
        {
            byte[]? whole;
            lock (assembler)
            {
                whole = assembler.Add(m.Payload.Span);
            }

            if (whole is not null)
            {
                var (verdict, reason) = round.Offer(whole);
                if (verdict == StatisticsVerdict.Rejected)
                {
                    stderr.WriteLine($"statistics update on {m.Topic} rejected: {reason}");
                }

                if (verdict == StatisticsVerdict.Bounded)
                {
                    Interlocked.Increment(ref bounded);
                }

                if (Interlocked.Increment(ref answered) == active)
                {
                    done.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }, stop.Token);

        long bytes = 0, messages = 0;
        var started = Stopwatch.GetTimestamp();
        var exact = new DiscriminantStatistics(dimension);
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Count == 0)
            {
                continue;
            }

            var statistics = StatisticsContribution.Of(parts[i], clip);
            exact.Add(statistics);
            var wire = StatisticsContribution.Write(nodeId(i), 1, 0, statistics, signers[i], a.StatisticsPrecision);
            var bus = await ConnectAsync(mqtt, prefix, fleet + "-" + nodeId(i) + "-s", buses, loops, stop.Token);
            foreach (var chunk in MessageChunks.Split(wire, 256 * 1024))
            {
                await bus.PublishAsync(new BusMessage($"{prefix}/fleet/{fleet}/fl/statistics/{nodeId(i)}", chunk, 1), stop.Token);
                bytes += chunk.Length;
                messages++;
            }
        }

        try
        {
            await done.Task.WaitAsync(TimeSpan.FromSeconds(120), stop.Token);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Only {Volatile.Read(ref answered)} of {active} statistics updates arrived within 120 s.");
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(loops);
        foreach (var bus in buses)
        {
            await bus.DisposeAsync();
        }

        var total = round.Close(new Random(a.Seed));
        await stderr.WriteLineAsync(FormattableString.Invariant($"statistics round: {round.Count} of {active} updates taken, {bounded} bounded to {bound} samples{(dp ? $", DP noise z = {options.NoiseMultiplier:F3} per {(a.DpUnit == PrivacyUnit.Sample ? "sample" : "node")} (ε = {round.Epsilon:F2} at δ = 1e-5)" : string.Empty)}"));
        return new FleetStatisticsResult(LinearDiscriminant.Fit(total, round.MomentNoiseVariance, out _), LinearDiscriminant.Fit(exact), bytes / (double)active, messages, bounded, round.Epsilon, seconds);
    }

    private static async Task<MqttMessageBus> ConnectAsync(MqttOptions mqtt, string prefix, string clientId, List<MqttMessageBus> buses, List<Task> loops, CancellationToken cancellationToken)
    {
        var bus = new MqttMessageBus(mqtt, new NodeTopics(prefix, clientId), clientId, NullLogger<MqttMessageBus>.Instance, TimeProvider.System);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bus.Connected += _ =>
        {
            connected.TrySetResult();
            return Task.CompletedTask;
        };
        buses.Add(bus);
        loops.Add(bus.RunAsync(cancellationToken));
        await connected.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return bus;
    }
}
