using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// On-device learning through the node's commands, on the node as a process against a real mosquitto: bad labels
/// rejected with their codes and nothing learned from them, labels that train a head and store their frames
/// (<c>StoreImages</c>), <c>train</c>, <c>rollback</c>, a label flood, and a corrupt head file at start-up falling back
/// to the previous version.
/// </summary>
public sealed class LearningNodeTests : IDisposable
{
    private const string Node = "it-learn";
    private const string Cmd = "edgenode/" + Node + "/cmd/";
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Labels_TrainAndRollback_BadInputRejected_CorruptHeadFallsBack()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, $"edgenode/{Node}/results");
        var environment = NodeEnvironment.For(Node, broker.Port, _dir.File("edgenode.db"));
        environment["EdgeNode__Learning__RetrainAfterLabels"] = "6";
        environment["EdgeNode__Learning__LabelBurst"] = "12";
        environment["EdgeNode__Learning__LabelsPerMinute"] = "6";
        environment["EdgeNode__Learning__StoreImages"] = "true";
        await using (var node = NodeProcess.Start(_dir.Path, environment))
        {
            await using var client = await CommandClient.ConnectAsync(broker.Port);
            await client.WaitReadyAsync(Cmd + "health", Startup);

            // Bad input: each refused with its code, and nothing is learned from it.
            Assert.Equal("unknown_result", (await client.SendAsync(Cmd + "label", "{\"result\":\"0123456789abcdef0123456789abcdef\",\"label\":\"a\"}", Reply)).ErrorCode);
            Assert.Equal("invalid_label", (await client.SendAsync(Cmd + "label", "{\"result\":\"last\",\"label\":\"\"}", Reply)).ErrorCode);
            Assert.Equal("invalid_label", (await client.SendAsync(Cmd + "label", $"{{\"result\":\"last\",\"label\":\"{new string('x', 65)}\"}}", Reply)).ErrorCode);
            Assert.Equal("invalid_label", (await client.SendAsync(Cmd + "label", "{\"result\":\"last\",\"label\":\"a\\u0007b\"}", Reply)).ErrorCode);
            Assert.False((await client.SendAsync(Cmd + "label", "{\"result\":42,\"label\":\"a\"}", Reply)).Ok);
            Assert.Equal("no_previous_head", (await client.SendAsync(Cmd + "rollback", "{}", Reply)).ErrorCode);
            Assert.DoesNotContain(probe.Messages, m => Result(m).HeadVersion is not null);

            // Six good labels train head version 1; results then carry one of its classes.
            for (var i = 0; i < 6; i++)
            {
                var label = await client.SendAsync(Cmd + "label", $"{{\"result\":\"last\",\"label\":\"{(i % 2 == 0 ? "a" : "b")}\"}}", Reply);
                Assert.True(label.Ok, label.Json);
                await Task.Delay(150);
            }

            await WaitForHeadAsync(probe, 1, node);

            // StoreImages: every stored sample carries its frame as a JPEG.
            var images = SampleImages(_dir.File("edgenode.db"));
            Assert.Equal(6, images.Count);
            Assert.All(images, jpeg => Assert.True(jpeg is [0xFF, 0xD8, ..] && jpeg[^2..] is [0xFF, 0xD9], "not a JPEG"));

            // train twice: versions 2 and 3; rollback: version 2 again, in the reply and in the results.
            Assert.True((await client.SendAsync(Cmd + "train", "{}", Reply)).Ok);
            await WaitForHeadAsync(probe, 2, node);
            Assert.True((await client.SendAsync(Cmd + "train", "{}", Reply)).Ok);
            await WaitForHeadAsync(probe, 3, node);
            var rollback = await client.SendAsync(Cmd + "rollback", "{}", Reply);
            Assert.True(rollback.Ok, rollback.Json);
            Assert.Equal(2, rollback.Root.GetProperty("headVersion").GetInt32());
            var seen = probe.Messages.Count;
            await probe.WaitUntilAsync(m => m.Skip(seen).Any(x => Result(x).HeadVersion == 2), Startup, "results from head version 2 after the rollback");

            // A label flood: the bucket (12, refilled at 6/min) runs dry and the rest are refused, not stored.
            var flood = new List<CommandAnswer>();
            for (var i = 0; i < 20; i++)
            {
                flood.Add(await client.SendAsync(Cmd + "label", "{\"result\":\"last\",\"label\":\"a\"}", Reply));
            }

            Assert.Contains(flood, r => r.ErrorCode == "rate_limited");
            node.Terminate();
            Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        // The active head file (version 2) is damaged while the node is stopped: it starts on version 1.
        await File.WriteAllBytesAsync(_dir.File(Path.Combine("heads", "head-000002.bin")), "not a head file"u8.ToArray());
        var before = probe.Messages.Count;
        await using var again = NodeProcess.Start(_dir.Path, environment);
        await probe.WaitUntilAsync(m => m.Skip(before).Any(x => Result(x).HeadVersion == 1), Startup, "results from head version 1 after the damaged version 2");
        Assert.DoesNotContain(probe.Messages.Skip(before), m => Result(m).HeadVersion == 2);
        Assert.False(again.HasExited, again.Output);
    }

    public void Dispose() => _dir.Dispose();

    private static List<byte[]?> SampleImages(string database)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT image FROM samples ORDER BY id";
        using var reader = command.ExecuteReader();
        var images = new List<byte[]?>();
        while (reader.Read())
        {
            images.Add(reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0));
        }

        return images;
    }

    private static (int? HeadVersion, string? Label) Result(ReceivedMessage message)
    {
        var root = JsonDocument.Parse(message.Payload).RootElement;
        var version = root.TryGetProperty("headVersion", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : (int?)null;
        return (version, root.GetProperty("label").ValueKind == JsonValueKind.String ? root.GetProperty("label").GetString() : null);
    }

    private static async Task WaitForHeadAsync(MqttProbe probe, int version, NodeProcess node)
    {
        try
        {
            var messages = await probe.WaitUntilAsync(m => m.Any(x => Result(x).HeadVersion == version), Startup, $"results from head version {version}");
            var labelled = Result(messages.Last(x => Result(x).HeadVersion == version));
            Assert.True(labelled.Label is "a" or "b", $"head {version} labelled a result '{labelled.Label}'");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "\nNode output:\n" + node.Output, ex);
        }
    }
}
