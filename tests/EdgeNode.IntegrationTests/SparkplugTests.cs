using System.Globalization;
using EdgeNode.Testing;
using MQTTnet;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// The node with <c>EdgeNode__Mqtt__Convention=sparkplug</c> as a real process against a real mosquitto. Every
/// Sparkplug payload is decoded (and the NCMD encoded) by protoc with the published schema, not by the node's code.
/// </summary>
public sealed class SparkplugTests : IDisposable
{
    private const string Group = "it-group";
    private const string Node = "it-spb";
    private const string Prefix = "spBv1.0/" + Group;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Node_Sparkplug_BirthData_NcmdFuzzAndRebirth_WillOnKill_BdSeqUpOnRestart_NDeathOnStop()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "spBv1.0/#", $"edgenode/{Node}/results");
        var env = NodeEnvironment.For(Node, broker.Port, _dir.File("edgenode.db"));
        env["EdgeNode__Mqtt__Convention"] = "sparkplug";
        env["EdgeNode__Mqtt__Sparkplug__GroupId"] = Group;
        await using var node = NodeProcess.Start(_dir.Path, env);

        // NBIRTH: bdSeq 0 (first CONNECT ever), seq 0, every metric with name, alias, data type and a value.
        var birthMessage = (await WaitForAsync(probe, "NBIRTH", 1, node))[0];
        Assert.Equal((0, false), (birthMessage.QualityOfService, birthMessage.Retain));
        var birth = await DecodeAsync(birthMessage);
        Assert.Equal(0, birth.Number("seq"));
        Assert.True(birth.Number("timestamp") > 1_700_000_000_000);
        var metrics = birth.Messages("metrics");
        Assert.Equal(("bdSeq", 4L, 0L, false), (metrics[0].Scalar("name"), metrics[0].Number("datatype"), metrics[0].Number("long_value"), metrics[0].Has("alias")));
        var aliases = new Dictionary<string, (long Alias, long DataType)>();
        foreach (var metric in metrics.Skip(1))
        {
            var name = metric.Scalar("name")!;
            aliases.Add(name, (metric.Number("alias"), metric.Number("datatype")));
            Assert.True(metric.Has("is_null") || metric.Names.Any(n => n.EndsWith("_value", StringComparison.Ordinal)), name + " has no value");
        }

        Assert.Equal(aliases.Count, aliases.Values.Select(a => a.Alias).Distinct().Count());
        Assert.Equal((1L, 11L), aliases["Node Control/Rebirth"]);
        Assert.Equal("false", metrics.Single(m => m.Scalar("name") == "Node Control/Rebirth").Scalar("boolean_value"));
        Assert.Equal((3L, 12L), aliases["Properties/Model"]);
        Assert.Equal((7L, 10L), aliases["Inference/FPS"]);
        Assert.Equal((17L, 4L), aliases["Outbox/Depth"]);
        Assert.Equal((28L, 12L), aliases["Prediction/Label"]);
        Assert.Equal((101L, 10L), aliases["Sensors/simulated/temperature"]);
        Assert.Equal((102L, 10L), aliases["Sensors/simulated/humidity"]);
        Assert.Equal((103L, 11L), aliases["Sensors/simulated/Failing"]);
        var temperature = metrics.Single(m => m.Scalar("name") == "Sensors/simulated/temperature").Message("properties")!;
        Assert.Equal(("engUnit", "°C"), (temperature.Scalar("keys"), temperature.Message("values")!.Scalar("string_value")));
        Assert.StartsWith("resnet18", metrics.Single(m => m.Scalar("name") == "Properties/Model").Scalar("string_value"), StringComparison.Ordinal);

        // NDATA: seq 1, 2…, metrics by alias only, every alias one of the birth's; the JSON results go on beside it.
        var data = await WaitForAsync(probe, "NDATA", 2, node);
        for (var i = 0; i < 2; i++)
        {
            var payload = await DecodeAsync(data[i]);
            Assert.Equal(i + 1, payload.Number("seq"));
            Assert.NotEmpty(payload.Messages("metrics"));
            Assert.All(payload.Messages("metrics"), m =>
            {
                Assert.False(m.Has("name"));
                Assert.Contains(m.Number("alias"), aliases.Values.Select(a => a.Alias));
            });
        }

        await probe.WaitUntilAsync(m => m.Any(x => x.Topic == $"edgenode/{Node}/results"), Startup, "JSON results beside Sparkplug");

        // Hostile NCMDs: random bytes and mutations of a valid command. The node logs and ignores them.
        var quiet = await EncodeCommandAsync(false);
        var random = new Random(7);
        for (var i = 0; i < 1500; i++)
        {
            var payload = i % 2 == 0 ? RandomBytes(random) : Mutate(quiet, random);
            await probe.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Prefix}/NCMD/{Node}").WithPayload(payload).Build());
        }

        var dataBefore = probe.Messages.Count(m => m.Topic == $"{Prefix}/NDATA/{Node}");
        await WaitForAsync(probe, "NDATA", dataBefore + 2, node);
        Assert.False(node.HasExited, node.Output);
        Assert.Contains("Sparkplug NCMD on", node.Output, StringComparison.Ordinal);

        // A real Rebirth: a new NBIRTH, seq 0 again, same bdSeq (same MQTT session).
        var birthsBefore = probe.Messages.Count(m => m.Topic == $"{Prefix}/NBIRTH/{Node}");
        await probe.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"{Prefix}/NCMD/{Node}").WithPayload(await EncodeCommandAsync(true)).Build());
        var reborn = await DecodeAsync((await WaitForAsync(probe, "NBIRTH", birthsBefore + 1, node))[^1]);
        Assert.Equal((0L, 0L), (reborn.Number("seq"), BdSeq(reborn)));
        await WaitForAsync(probe, "NDATA", probe.Messages.Count(m => m.Topic == $"{Prefix}/NDATA/{Node}") + 1, node);

        // Every NBIRTH has seq 0 and every NDATA one more than the message before it (255 wraps to 0).
        await AssertSeqsAsync(probe.Messages);

        // kill -9: the broker publishes the will, the NDEATH with this session's bdSeq and no seq.
        await node.KillAsync();
        var will = (await WaitForAsync(probe, "NDEATH", 1, null))[0];
        Assert.Equal((1, false), (will.QualityOfService, will.Retain));
        var death = await DecodeAsync(will);
        Assert.False(death.Has("seq"));
        Assert.Equal(0L, BdSeq(death));
        Assert.Single(death.Messages("metrics"));

        // A restart is a new CONNECT: bdSeq 1, persisted next to the database.
        await using var restarted = NodeProcess.Start(_dir.Path, env);
        var births = await WaitForAsync(probe, "NBIRTH", birthsBefore + 2, restarted);
        Assert.Equal(1L, BdSeq(await DecodeAsync(births[^1])));
        Assert.Equal("1", File.ReadAllText(_dir.File("sparkplug-bdseq")).Trim());
        await WaitForAsync(probe, "NDATA", probe.Messages.Count(m => m.Topic == $"{Prefix}/NDATA/{Node}") + 1, restarted);

        // A clean stop publishes the NDEATH itself, with the same bdSeq, and nothing after it.
        restarted.Terminate();
        Assert.Equal(0, await restarted.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        var deaths = await WaitForAsync(probe, "NDEATH", 2, null);
        Assert.Equal(1L, BdSeq(await DecodeAsync(deaths[^1])));
        await Task.Delay(500);
        Assert.Equal($"{Prefix}/NDEATH/{Node}", probe.Messages.Last(m => m.Topic.StartsWith("spBv1.0/", StringComparison.Ordinal)).Topic);
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<ProtoText> DecodeAsync(ReceivedMessage message) =>
        ProtoText.Parse(await Protoc.DecodeAsync(message.Bytes, Protoc.SparkplugSchema, Protoc.SparkplugPayload));

    private static long BdSeq(ProtoText payload) => payload.Messages("metrics").Single(m => m.Scalar("name") == "bdSeq").Number("long_value");

    private static Task<byte[]> EncodeCommandAsync(bool rebirth) => Protoc.EncodeAsync(
        string.Create(CultureInfo.InvariantCulture, $"timestamp: {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} metrics {{ name: \"Node Control/Rebirth\" datatype: 11 boolean_value: {(rebirth ? "true" : "false")} }}"),
        Protoc.SparkplugSchema,
        Protoc.SparkplugPayload);

    private static async Task<IReadOnlyList<ReceivedMessage>> WaitForAsync(MqttProbe probe, string type, int count, NodeProcess? node)
    {
        var topic = $"{Prefix}/{type}/{Node}";
        try
        {
            var messages = await probe.WaitUntilAsync(m => m.Count(x => x.Topic == topic) >= count || node is { HasExited: true }, Startup, $"{count} {type}");
            Assert.True(node is null || !node.HasExited, "the node exited:\n" + node?.Output);
            return messages.Where(x => x.Topic == topic).ToList();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\nNode output:\n" + node?.Output, ex);
        }
    }

    private static async Task AssertSeqsAsync(IReadOnlyList<ReceivedMessage> messages)
    {
        long? previous = null;
        foreach (var message in messages.Where(m => m.Topic == $"{Prefix}/NBIRTH/{Node}" || m.Topic == $"{Prefix}/NDATA/{Node}"))
        {
            var seq = (await DecodeAsync(message)).Number("seq");
            var expected = message.Topic.Contains("/NBIRTH/", StringComparison.Ordinal) ? 0 : (previous!.Value + 1) % 256;
            Assert.Equal(expected, seq);
            previous = seq;
        }

        Assert.NotNull(previous);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 80)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = valid.ToList();
        var at = random.Next(bytes.Count);
        switch (random.Next(3))
        {
            case 0:
                bytes[at] = (byte)random.Next(256);
                break;
            case 1:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            default:
                bytes.Insert(at, (byte)random.Next(256));
                break;
        }

        return [.. bytes];
    }
}
