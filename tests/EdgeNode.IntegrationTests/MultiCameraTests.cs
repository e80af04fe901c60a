using System.Text.Json;
using EdgeNode.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeNode.IntegrationTests;

/// <summary>Several cameras on one node as a process: real ffmpeg and synthetic cameras, real mosquitto, the SQLite outbox.</summary>
public sealed class MultiCameraTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task SeveralCameras_OneDeadFromTheStartOneDyingMidRun_TheOthersKeepProducing()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-cams/#");
        var env = Cameras("it-cams", broker.Port, 3);
        env["EdgeNode__Cameras__0__Name"] = "steady";
        env["EdgeNode__Cameras__0__Source"] = "synthetic";
        env["EdgeNode__Cameras__1__Name"] = "dead";
        env["EdgeNode__Cameras__1__Source"] = "process:/bin/false";
        env["EdgeNode__Cameras__2__Name"] = "dying";
        env["EdgeNode__Cameras__2__Source"] = "process:ffmpeg -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=160x120:rate=8 -frames:v 6 -f mjpeg -q:v 5 -";
        env["EdgeNode__Cameras__2__RestartDelay"] = "00:01:00"; // once it has died it stays away for the rest of the test
        await using var node = NodeProcess.Start(_dir.Path, env);

        // The dying camera sends its 6 frames and exits; once telemetry counts all 6 it is dead, and the steady camera
        // must keep producing after that.
        var messages = await probe.WaitUntilAsync(m => SteadyResultsAfterDeath(m) >= 5, Startup, "steady results after the dying camera died");

        var results = messages.Where(m => m.Topic.EndsWith("/results", StringComparison.Ordinal)).Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.InRange(results.Count(r => r.GetProperty("camera").GetString() == "dying"), 1, 6);
        Assert.DoesNotContain(results, r => r.GetProperty("camera").GetString() == "dead");
        var telemetry = JsonDocument.Parse(messages.Last(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal)).Payload).RootElement;
        var cameras = telemetry.GetProperty("cameras").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["dead", "dying", "steady"], cameras.Keys.Order(StringComparer.Ordinal));
        Assert.True(cameras["dead"].GetProperty("captureRestarts").GetInt64() >= 1);
        Assert.Equal(0, cameras["dead"].GetProperty("inferences").GetInt64());
        Assert.True(cameras["steady"].GetProperty("inferences").GetInt64() >= 5);

        // IntraOpThreads=auto is the default: the choice and its timings are reported.
        Assert.True(telemetry.GetProperty("intraOpThreadsTuned").GetBoolean());
        Assert.InRange(telemetry.GetProperty("threadTimingsMs").GetArrayLength(), Math.Min(Environment.ProcessorCount, 3), Environment.ProcessorCount);
        Assert.InRange(telemetry.GetProperty("intraOpThreads").GetInt32(), 1, Environment.ProcessorCount);
        Assert.Equal(8, telemetry.GetProperty("maxBatch").GetInt32()); // the shipped int8 backbone has a dynamic batch dimension
        Assert.Contains("IntraOpThreads=auto chose", node.Output, StringComparison.Ordinal);
        Assert.Contains("frames waiting together run as one batch of up to 8", node.Output, StringComparison.Ordinal);
        node.Terminate();
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        AssertPerCameraOrderAndExactlyOnce(_dir.File("edgenode.db"), results);
    }

    [Fact]
    public async Task SigtermMidRun_TwoCameras_EachResultStoredOnceAndInCameraOrderAcrossTheRestart()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-stop/results");
        var env = Cameras("it-stop", broker.Port, 2);
        foreach (var (index, name) in new[] { (0, "left"), (1, "right") })
        {
            env[$"EdgeNode__Cameras__{index}__Name"] = name;
            env[$"EdgeNode__Cameras__{index}__Source"] = "synthetic";
            env[$"EdgeNode__Cameras__{index}__FramesPerSecond"] = "30"; // more than the node infers: frames always wait
        }

        await using (var first = NodeProcess.Start(_dir.Path, env))
        {
            await probe.WaitUntilAsync(m => m.Count >= 20, Startup, "results of the first run");
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        var afterFirst = probe.Messages.Count;
        await using (var second = NodeProcess.Start(_dir.Path, env))
        {
            await probe.WaitUntilAsync(m => m.Count >= afterFirst + 10, Startup, "results of the second run");
            second.Terminate();
            Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }

        var received = probe.Messages.Select(m => JsonDocument.Parse(m.Payload).RootElement).ToList();
        Assert.Contains(received, r => r.GetProperty("camera").GetString() == "left");
        Assert.Contains(received, r => r.GetProperty("camera").GetString() == "right");
        AssertPerCameraOrderAndExactlyOnce(_dir.File("edgenode.db"), received);
    }

    [Theory]
    [InlineData("EdgeNode__Cameras__1__Name", "door", "EdgeNode:Cameras:1:Name (EdgeNode__Cameras__1__Name)")]
    [InlineData("EdgeNode__Cameras__1__Source", "", "EdgeNode:Cameras:1:Source (EdgeNode__Cameras__1__Source)")]
    public async Task InvalidCameraList_Exits78NamingTheKey(string key, string value, string expected)
    {
        var env = NodeEnvironment.For("it-camlist", FreePort.Next(), _dir.File("edgenode.db"));
        env["EdgeNode__Cameras__0__Name"] = "door";
        env["EdgeNode__Cameras__0__Source"] = "synthetic";
        env["EdgeNode__Cameras__1__Name"] = "yard";
        env["EdgeNode__Cameras__1__Source"] = "synthetic";
        env["EdgeNode__Cameras__1__Width"] = "160";
        env[key] = value;

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, TimeSpan.FromSeconds(60));

        Assert.Equal(78, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Pipeline started", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("edgenode.db")), "an invalid configuration created the database");
    }

    public void Dispose() => _dir.Dispose();

    private Dictionary<string, string> Cameras(string nodeId, int port, int cameras)
    {
        var env = NodeEnvironment.For(nodeId, port, _dir.File("edgenode.db"));
        env["EdgeNode__ChangeGate__Enabled"] = "false";
        for (var i = 0; i < cameras; i++)
        {
            env[$"EdgeNode__Cameras__{i}__Width"] = "160";
            env[$"EdgeNode__Cameras__{i}__Height"] = "120";
            env[$"EdgeNode__Cameras__{i}__FramesPerSecond"] = "8";
            env[$"EdgeNode__Cameras__{i}__RestartDelay"] = "00:00:00.200";
        }

        return env;
    }

    private static int SteadyResultsAfterDeath(IReadOnlyList<ReceivedMessage> messages)
    {
        var died = -1;
        for (var i = 0; i < messages.Count && died < 0; i++)
        {
            if (messages[i].Topic.EndsWith("/telemetry", StringComparison.Ordinal)
                && JsonDocument.Parse(messages[i].Payload).RootElement.GetProperty("cameras").EnumerateArray()
                    .Any(c => c.GetProperty("name").GetString() == "dying" && c.GetProperty("framesIn").GetInt64() >= 6))
            {
                died = i;
            }
        }

        return died < 0 ? 0 : messages.Skip(died).Count(m => m.Topic.EndsWith("/results", StringComparison.Ordinal) && m.Payload.Contains("\"camera\":\"steady\"", StringComparison.Ordinal));
    }

    /// <summary>Every stored result once (unique id and seq), in capture order per camera, and every published one stored.</summary>
    private static void AssertPerCameraOrderAndExactlyOnce(string databasePath, IEnumerable<JsonElement> published)
    {
        var rows = new List<(long Seq, string Id, JsonElement Body)>();
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, id, payload FROM messages WHERE kind = 0 ORDER BY seq";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), JsonDocument.Parse((byte[])reader.GetValue(2)).RootElement));
            }
        }

        Assert.NotEmpty(rows);
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        Assert.Equal(rows.Count, rows.Select(r => r.Body.GetProperty("seq").GetInt64()).Distinct().Count());
        var ids = rows.Select(r => r.Id).ToHashSet();
        Assert.All(published, p => Assert.Contains(p.GetProperty("id").GetString()!, ids));
        foreach (var camera in rows.GroupBy(r => r.Body.GetProperty("camera").GetString()))
        {
            var captured = camera.Select(r => r.Body.GetProperty("ts").GetDateTimeOffset()).ToList();
            Assert.Equal(captured.Order(), captured);
        }
    }
}
