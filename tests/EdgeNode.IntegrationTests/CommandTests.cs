using System.Text;
using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>Commands to the node as a process through a real mosquitto: round trips, bad input, fuzz.</summary>
public sealed class CommandTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(20);
    private static readonly string[] Verbs = ["config", "snapshot", "rebirth", "model", "label", "rollback", "health", "nope"];
    private static readonly byte[] Inserts = [.. "{}[]\":,0-9e.\\"u8, 0xFF, 0x00];
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Commands_RoundTripWithCorrelationData_BadInputRejected_ConfigPersisted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-cmd/status");
        await using var node = NodeProcess.Start(_dir.Path, Environment("it-cmd", broker.Port));
        await probe.WaitUntilAsync(m => m.Any(x => x.Payload == "online"), Startup, "birth");
        await using var client = await CommandClient.ConnectAsync(broker.Port);
        await client.WaitReadyAsync("edgenode/it-cmd/cmd/config", Startup);
        const string Cmd = "edgenode/it-cmd/cmd/";

        var malformed = await client.SendAsync(Cmd + "config", "{\"set\":", Reply);
        var unknown = await client.SendAsync(Cmd + "self-destruct", "{}", Reply);
        var oversized = await client.SendAsync(Cmd + "config", new byte[20_000], Reply);
        var notAllowed = await client.SendAsync(Cmd + "config", "{\"set\":{\"Mqtt:Host\":\"evil\"}}", Reply);
        var outOfRange = await client.SendAsync(Cmd + "config", "{\"set\":{\"Telemetry:IntervalSeconds\":0.01,\"ChangeGate:Threshold\":3}}", Reply);
        var wrongType = await client.SendAsync(Cmd + "config", "{\"set\":{\"ChangeGate:Enabled\":\"no\"}}", Reply);
        Assert.Equal("malformed_json", malformed.ErrorCode);
        Assert.Equal("unknown_verb", unknown.ErrorCode);
        Assert.Equal("payload_too_large", oversized.ErrorCode);
        Assert.Equal("not_allowed", notAllowed.ErrorCode);
        Assert.Equal("invalid_argument", outOfRange.ErrorCode);
        Assert.Equal("invalid_argument", wrongType.ErrorCode);
        Assert.False(File.Exists(SettingsFile), "a rejected config command wrote the settings file");

        var set = await client.SendAsync(Cmd + "config", "{\"set\":{\"Telemetry:IntervalSeconds\":2,\"ChangeGate:Threshold\":3.5}}", Reply);
        Assert.True(set.Ok, set.Json);
        var settings = set.Root.GetProperty("settings");
        Assert.Equal(2, settings.GetProperty("Telemetry:IntervalSeconds").GetProperty("value").GetDouble());
        Assert.Equal("live", settings.GetProperty("Telemetry:IntervalSeconds").GetProperty("applies").GetString());
        Assert.Equal(3.5, settings.GetProperty("ChangeGate:Threshold").GetProperty("value").GetDouble());
        Assert.Equal(["ChangeGate:Threshold"], set.Root.GetProperty("restartRequired").EnumerateArray().Select(e => e.GetString()));
        var persisted = JsonDocument.Parse(await File.ReadAllTextAsync(SettingsFile)).RootElement.GetProperty("EdgeNode");
        Assert.Equal(3.5, persisted.GetProperty("ChangeGate").GetProperty("Threshold").GetDouble());

        var snapshot = await client.SendAsync(Cmd + "snapshot", "{\"quality\":70}", Reply);
        Assert.True(snapshot.Ok, snapshot.Json);
        var jpeg = Convert.FromBase64String(snapshot.Root.GetProperty("jpeg").GetString()!);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        Assert.Equal(new byte[] { 0xFF, 0xD9 }, jpeg[^2..]);
        Assert.Equal("invalid_argument", (await client.SendAsync(Cmd + "snapshot", "{\"quality\":0}", Reply)).ErrorCode);

        var rebirth = await client.SendAsync(Cmd + "rebirth", string.Empty, Reply);
        Assert.True(rebirth.Ok, rebirth.Json);
        await probe.WaitUntilAsync(m => m.Count(x => x.Payload == "online") >= 2, Reply, "second birth");

        // The node survived all of it and the setting survives a restart.
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        await using var again = NodeProcess.Start(_dir.Path, Environment("it-cmd", broker.Port));
        await probe.WaitUntilAsync(m => m.Count(x => x.Payload == "online") >= 3, Startup, "birth after restart");
        var report = await client.WaitReadyAsync(Cmd + "config", Startup);
        Assert.Equal(3.5, report.Root.GetProperty("settings").GetProperty("ChangeGate:Threshold").GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Fuzz_TenThousandRandomAndMutatedPayloads_EveryOneAnswered_NoStateChange()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-fuzz/status", "edgenode/it-fuzz/telemetry");
        await using var node = NodeProcess.Start(_dir.Path, Environment("it-fuzz", broker.Port));
        await probe.WaitUntilAsync(m => m.Any(x => x.Payload == "online") && m.Any(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal)), Startup, "birth and telemetry");
        var modelBefore = JsonDocument.Parse(probe.Messages.Last(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal)).Payload).RootElement.GetProperty("model").GetString();
        await using var client = await CommandClient.ConnectAsync(broker.Port);
        await client.WaitReadyAsync("edgenode/it-fuzz/cmd/config", Startup);
        var modelStatusBefore = (await client.SendAsync("edgenode/it-fuzz/cmd/model", "{}", Reply)).Root;
        var random = new Random(7);
        byte[]? settings = null;
        var accepted = 0;

        // Windows of requests in flight (fewer than the node's command queue); after each window the persisted
        // settings are byte-identical unless one of its config requests was accepted.
        const int Window = 24;
        for (var first = 0; first < 10_000; first += Window)
        {
            var sent = Enumerable.Range(first, Window).Select(i =>
            {
                var verb = Verbs[i % Verbs.Length];
                var payload = i % 3 == 0 ? RandomBytes(random) : Mutate(random, Seed(random, verb));
                return (Verb: verb, Reply: client.SendAsync("edgenode/it-fuzz/cmd/" + verb, payload, Reply));
            }).ToList();
            await Task.WhenAll(sent.Select(x => x.Reply));
            var configAccepted = false;
            foreach (var (verb, reply) in sent)
            {
                var answer = await reply;
                if (!answer.Ok)
                {
                    Assert.False(string.IsNullOrEmpty(answer.ErrorCode), answer.Json);
                    Assert.NotEqual("busy", answer.ErrorCode);
                }

                configAccepted |= answer.Ok && verb == "config";
                // A model reply may only be ok for a status request (it changes nothing).
                accepted += answer.Ok && verb == "model" && answer.Root.GetProperty("action").GetString() != "status" ? 1 : 0;
            }

            var now = File.Exists(SettingsFile) ? await File.ReadAllBytesAsync(SettingsFile) : null;
            if (!configAccepted)
            {
                Assert.Equal(settings, now);
            }

            settings = now;
        }

        Assert.Equal(0, accepted);
        Assert.False(node.HasExited);
        var later = await probe.WaitUntilAsync(m => m.Count(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal)) >= 2, Reply, "telemetry after fuzz");
        Assert.Equal(modelBefore, JsonDocument.Parse(later.Last(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal)).Payload).RootElement.GetProperty("model").GetString());
        var modelStatusAfter = (await client.SendAsync("edgenode/it-fuzz/cmd/model", "{}", Reply)).Root;
        Assert.Equal(modelStatusBefore.GetProperty("active").GetRawText(), modelStatusAfter.GetProperty("active").GetRawText());
        Assert.Equal(JsonValueKind.Null, modelStatusAfter.GetProperty("previous").ValueKind);
        Assert.Equal(JsonValueKind.Null, modelStatusAfter.GetProperty("transfer").ValueKind);
        Assert.Equal("none", modelStatusAfter.GetProperty("health").GetString());
    }

    [Fact]
    public async Task Command_SentTheMomentOnlineArrives_IsAnswered()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var client = await CommandClient.ConnectAsync(broker.Port);
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-first/status");
        await using var node = NodeProcess.Start(_dir.Path, Environment("it-first", broker.Port));
        await probe.WaitUntilAsync(m => m.Any(x => x.Payload == "online"), Startup, "birth");

        // No retry: the birth is published only after the command subscription is in place.
        var reply = await client.SendAsync("edgenode/it-first/cmd/health", "{}", Reply);

        Assert.True(reply.Ok, reply.Json);
    }

    public void Dispose() => _dir.Dispose();

    private string SettingsFile => _dir.File("runtime-settings.json");

    private Dictionary<string, string> Environment(string nodeId, int port)
    {
        var environment = NodeEnvironment.For(nodeId, port, _dir.File("edgenode.db"));
        environment["EdgeNode__Commands__MaxPayloadBytes"] = "16384";
        environment["EdgeNode__Camera__FramesPerSecond"] = "2";
        return environment;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Seed(Random random, string verb)
    {
        string[] seeds = verb switch
        {
            "config" => ["{\"set\":{\"Telemetry:IntervalSeconds\":-5}}", "{\"set\":{\"ChangeGate:Threshold\":1e400}}", "{\"reset\":[\"Mqtt:Host\"]}", "{\"set\":{\"Camera:Source\":\"x\"}}", "{\"set\":[1,2]}", "{\"get\":true}"],
            "snapshot" => ["{\"quality\":0}", "{\"quality\":\"80\"}", "{\"quality\":101,\"x\":1}", "{\"size\":5}"],
            "model" =>
            [
                "{\"action\":\"begin\",\"chunkSize\":65536,\"manifest\":{\"name\":\"m\",\"version\":\"1\",\"sha256\":\"" + new string('a', 64) + "\",\"size\":1000,\"precision\":\"fp32\",\"input\":{\"name\":\"Input247\",\"shape\":[1,3,224,224]},\"output\":{\"name\":\"o\",\"shape\":[1,512,1,1]}},\"signature\":\"" + Convert.ToBase64String(new byte[64]) + "\"}",
                "{\"action\":\"install\",\"path\":\"/etc/passwd\",\"manifest\":{\"name\":\"a\"},\"signature\":\"AAAA\"}",
                "{\"action\":\"commit\",\"transferId\":\"0123456789abcdef0123456789abcdef\"}",
                "{\"action\":\"abort\",\"transferId\":\"x\"}",
                "{\"action\":\"rollback\"}",
                "{\"action\":\"status\",\"x\":1}",
            ],
            "label" => ["{\"resultId\":\"x\",\"label\":\"\"}", "{\"label\":5}"],
            "rollback" => ["{\"version\":-1}", "{\"version\":\"x\"}"],
            _ => ["{}", "[]", "null"],
        };
        return Encoding.UTF8.GetBytes(seeds[random.Next(seeds.Length)]);
    }

    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(5))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, Inserts[random.Next(Inserts.Length)]);
                    break;
                case 2 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, bytes.Take(random.Next(bytes.Count + 1)).ToList());
                    break;
            }
        }

        return [.. bytes];
    }
}
