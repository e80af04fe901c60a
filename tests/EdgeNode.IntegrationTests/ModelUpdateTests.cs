using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeNode.Common;
using EdgeNode.Learning.Federated;
using EdgeNode.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// Signed model updates on the node as a process through a real mosquitto: a chunked transfer of the fp32 ResNet18,
/// refused models (tampered, untrusted, unloadable) that leave the running model alone, restart, rollback, and an
/// install from a path. Keys and manifests are made with the node's own <c>edgenode model</c> tool.
/// </summary>
public sealed class ModelUpdateTests : IDisposable
{
    private const string Cmd = "edgenode/it-model/cmd/model";
    private const int ChunkSize = 1 << 20;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    private string Publisher => _dir.File("publisher");

    [Fact]
    public async Task ModelUpdates_ChunkedAndFromAPath_RefusalsKeepTheModel_RestartComesBack_Rollback()
    {
        await Cli("model", "keygen", "--out", Publisher, "--name", "ops");
        await Cli("model", "keygen", "--out", Publisher, "--name", "rogue");
        Directory.CreateDirectory(_dir.File("keys/models"));
        File.Copy(Path.Combine(Publisher, "ops.pem"), _dir.File("keys/models/ops.pem"));
        var fp32 = Path.Combine(RepoPaths.ModelsDirectory, "ResNet18.onnx");
        var int8 = Path.Combine(RepoPaths.ModelsDirectory, "resnet18-int8.onnx");
        var fp32Signed = await Sign(fp32, "resnet18-fp32", "2.0.0");

        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-model/results", "edgenode/it-model/telemetry");
        await using var client = await CommandClient.ConnectAsync(broker.Port);
        await using (var node = NodeProcess.Start(_dir.Path, Environment(broker.Port)))
        {
            await client.WaitReadyAsync(Cmd, Startup);
            await WaitForResult(probe, 0, "resnet18-int8", null);

            // A chunked transfer: half of the chunks (out of order, one twice), an early commit, then the rest.
            var begin = await Send(client, WithAction(fp32Signed, "begin", ("chunkSize", ChunkSize)));
            Assert.True(begin.Ok, begin.Json);
            var transferId = begin.Root.GetProperty("transferId").GetString()!;
            var chunks = MessageChunks.Split(await File.ReadAllBytesAsync(fp32), ChunkSize + MessageChunks.HeaderLength);
            Assert.Equal(chunks.Count, begin.Root.GetProperty("chunks").GetInt32());
            Assert.Equal("edgenode/it-model/model/chunks/" + transferId, begin.Root.GetProperty("topic").GetString());
            var odd = Enumerable.Range(0, chunks.Count).Where(i => i % 2 == 1).Reverse().Append(1).ToList();
            await Publish(probe, begin.Root.GetProperty("topic").GetString()!, chunks, odd);
            var commit = $"{{\"action\":\"commit\",\"transferId\":\"{transferId}\"}}";
            Assert.Equal("incomplete", (await Send(client, commit)).ErrorCode);
            var transfer = (await Send(client, "{\"action\":\"status\"}")).Root.GetProperty("transfer");
            Assert.Equal(chunks.Count / 2, transfer.GetProperty("received").GetInt32());
            Assert.Equal(0, transfer.GetProperty("missing")[0].GetInt32());
            await Publish(probe, begin.Root.GetProperty("topic").GetString()!, chunks, Enumerable.Range(0, chunks.Count).Where(i => i % 2 == 0));

            var installed = await Send(client, commit);

            Assert.True(installed.Ok, installed.Json);
            Assert.Equal("resnet18-fp32", installed.Root.GetProperty("model").GetProperty("name").GetString());
            Assert.Equal("2.0.0", installed.Root.GetProperty("model").GetProperty("version").GetString());
            Assert.Equal("resnet18-int8", installed.Root.GetProperty("previous").GetProperty("name").GetString());
            Assert.Equal("ops", installed.Root.GetProperty("keyId").GetString());
            Assert.Equal("passed", installed.Root.GetProperty("health").GetString());
            Assert.True(installed.Root.GetProperty("shadow").GetProperty("frames").GetInt32() > 0, installed.Json);
            var mark = probe.Messages.Count;
            await WaitForResult(probe, mark, "resnet18-fp32", "2.0.0");
            await probe.WaitUntilAsync(m => m.Skip(mark).Any(x => x.Topic.EndsWith("/telemetry", StringComparison.Ordinal) && x.Payload.Contains("\"modelVersion\":\"2.0.0\"", StringComparison.Ordinal)), Reply, "telemetry of the new model");

            // Refused: tampered bytes, an untrusted key (install and begin), a validly signed file that is no model.
            Directory.CreateDirectory(_dir.File("incoming"));
            var tampered = _dir.File("incoming/tampered.onnx");
            File.Copy(int8, tampered);
            var tamperedSigned = await Sign(tampered, "resnet18-int8", "3");
            await using (var stream = new FileStream(tampered, FileMode.Open, FileAccess.Write))
            {
                stream.Position = 4096;
                stream.WriteByte(0x42);
            }

            var rogue = await Sign(int8, "resnet18-int8", "3", "rogue");
            var random = _dir.File("incoming/random.onnx");
            File.Copy(int8, _dir.File("incoming/int8.onnx"));
            await File.WriteAllBytesAsync(random, Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7919 % 251)).ToArray());
            var randomSigned = await Sign(random, "resnet18-junk", "1", "ops", "--input", "Input247:1,3,224,224", "--output", "Pooling395_Output_0:1,512,1,1");

            Assert.Equal("hash_mismatch", (await Send(client, WithAction(tamperedSigned, "install", ("path", tampered)))).ErrorCode);
            Assert.Equal("bad_signature", (await Send(client, WithAction(rogue, "install", ("path", "int8.onnx")))).ErrorCode);
            Assert.Equal("path_not_allowed", (await Send(client, WithAction(tamperedSigned, "install", ("path", int8)))).ErrorCode);
            Assert.Equal("bad_signature", (await Send(client, WithAction(rogue, "begin"))).ErrorCode);
            Assert.Equal("load_failed", (await Send(client, WithAction(randomSigned, "install", ("path", random)))).ErrorCode);

            var status = await Send(client, "{}");
            Assert.Equal("2.0.0", status.Root.GetProperty("active").GetProperty("version").GetString());
            Assert.Equal(JsonValueKind.Null, status.Root.GetProperty("transfer").ValueKind);
            mark = probe.Messages.Count;
            await WaitForResult(probe, mark, "resnet18-fp32", "2.0.0");
            Assert.False(node.HasExited);
            node.Terminate();
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(15)));
        }

        var restart = probe.Messages.Count;
        await using (var node = NodeProcess.Start(_dir.Path, Environment(broker.Port)))
        {
            var first = await probe.WaitUntilAsync(m => m.Skip(restart).Any(IsResult), Startup, "a result after the restart");
            var result = JsonDocument.Parse(first.Skip(restart).First(IsResult).Payload).RootElement;
            Assert.Equal("resnet18-fp32", result.GetProperty("model").GetString());
            Assert.Equal("2.0.0", result.GetProperty("modelVersion").GetString());

            var rollback = await Send(client, "{\"action\":\"rollback\"}");
            Assert.True(rollback.Ok, rollback.Json);
            Assert.Equal("packaged", rollback.Root.GetProperty("model").GetProperty("source").GetString());
            var mark = probe.Messages.Count;
            await WaitForResult(probe, mark, "resnet18-int8", null);

            var fromPath = await Send(client, WithAction(await Sign(int8, "resnet18-int8", "3"), "install", ("path", _dir.File("incoming/int8.onnx"))));
            Assert.True(fromPath.Ok, fromPath.Json);
            Assert.Equal("3", fromPath.Root.GetProperty("model").GetProperty("version").GetString());
            await WaitForResult(probe, probe.Messages.Count, "resnet18-int8", "3");
        }
    }

    public void Dispose() => _dir.Dispose();

    private static bool IsResult(ReceivedMessage m) => m.Topic.EndsWith("/results", StringComparison.Ordinal);

    private static Task<CommandAnswer> Send(CommandClient client, string payload) => client.SendAsync(Cmd, payload, Reply);

    private static async Task WaitForResult(MqttProbe probe, int after, string model, string? version) =>
        await probe.WaitUntilAsync(
            m => m.Skip(after).Where(IsResult).Select(x => JsonDocument.Parse(x.Payload).RootElement).Any(r =>
                r.GetProperty("model").GetString() == model && r.GetProperty("modelVersion").GetString() == version),
            Reply,
            $"a result of {model} {version}");

    private static async Task Publish(MqttProbe probe, string topic, IReadOnlyList<byte[]> chunks, IEnumerable<int> indices)
    {
        foreach (var i in indices)
        {
            await probe.Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(chunks[i]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }
    }

    private static string WithAction(string signedPath, string action, params (string Name, JsonNode? Value)[] fields)
    {
        var command = JsonNode.Parse(File.ReadAllText(signedPath))!.AsObject();
        command["action"] = action;
        foreach (var (name, value) in fields)
        {
            command[name] = value;
        }

        return command.ToJsonString();
    }

    private Dictionary<string, string> Environment(int port)
    {
        var environment = NodeEnvironment.For("it-model", port, _dir.File("edgenode.db"));
        environment["EdgeNode__Camera__FramesPerSecond"] = "5";
        return environment;
    }

    private async Task<string> Sign(string model, string name, string version, string key = "ops", params string[] extra)
    {
        var output = _dir.File($"{name}-{version}-{key}-{Guid.NewGuid():N}.json");
        await Cli(["model", "sign", "--key", Path.Combine(Publisher, key + ".key"), "--model", model, "--name", name, "--version", version, "--out", output, .. extra]);
        return output;
    }

    private async Task Cli(params string[] arguments)
    {
        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, new Dictionary<string, string>(), TimeSpan.FromSeconds(60), arguments);
        Assert.True(code == 0, $"edgenode {string.Join(' ', arguments)} exited {code}: {output}");
    }
}
