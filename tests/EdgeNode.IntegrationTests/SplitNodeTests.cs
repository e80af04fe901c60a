using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeNode.Testing;
using Microsoft.Data.Sqlite;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// Split inference between two real node processes (the packaged int8 ResNet18 cut by <c>edgenode split</c>): the tail is
/// killed with SIGKILL under a running stream and started again; the head's SQLite holds exactly one result per frame.
/// </summary>
public sealed partial class SplitNodeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Tail_BeyondLoopbackWithoutClientCertificates_Exits78NamingListen()
    {
        var env = NodeEnvironment.For("it-split-open", FreePort.Next(), _dir.File("edgenode.db"));
        env["EdgeNode__Split__Role"] = "tail";
        env["EdgeNode__Split__Cut"] = _dir.Path;
        env["EdgeNode__Split__Listen"] = "http://0.0.0.0:50051";

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, TimeSpan.FromSeconds(60));

        Assert.Equal(78, code);
        Assert.Contains("EdgeNode:Split:Listen (EdgeNode__Split__Listen): 'http://0.0.0.0:50051' is reachable beyond this board", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Pipeline started", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_WithACutThatIsNotATensorCut_Exits78NamingCut()
    {
        File.WriteAllText(_dir.File("split.json"), """{"version":1,"model":"m.onnx","modelSha256":"00","input":"Input247","output":"Pooling395_Output_0","kind":"none"}""");
        var env = NodeEnvironment.For("it-split-none", FreePort.Next(), _dir.File("edgenode.db"));
        env["EdgeNode__Split__Role"] = "head";
        env["EdgeNode__Split__Peer"] = "http://127.0.0.1:50051";
        env["EdgeNode__Split__Cut"] = _dir.Path;

        var (code, output) = await NodeProcess.RunToExitAsync(_dir.Path, env, TimeSpan.FromSeconds(120));

        Assert.Equal(78, code);
        Assert.Contains("EdgeNode:Split:Cut (EdgeNode__Split__Cut)", output, StringComparison.Ordinal);
        Assert.Contains("'none' split", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeadAndTail_TailKilledAndRestarted_EveryFrameHasOneResultAndSplitResumes()
    {
        var cut = _dir.File("cut");
        var (splitCode, splitOutput) = await NodeProcess.RunToExitAsync(_dir.Path, new Dictionary<string, string>(), TimeSpan.FromMinutes(5),
            "split", Path.Combine(RepoPaths.ModelsDirectory, "resnet18-int8.onnx"), "--at", "ReLU393_Output_0_dequantized", "-o", cut);
        Assert.True(splitCode == 0, splitOutput);

        var tailPort = FreePort.Next();
        var peer = $"http://127.0.0.1:{tailPort}";
        var headDb = _dir.File("head/edgenode.db");
        Directory.CreateDirectory(_dir.File("head"));
        Directory.CreateDirectory(_dir.File("tail"));
        var headBroker = FreePort.Next();
        var head = Environment("it-head", headDb, headBroker);
        head["EdgeNode__Health__PeriodSeconds"] = "1";
        head["EdgeNode__Split__Role"] = "head";
        head["EdgeNode__Split__Peer"] = peer;
        head["EdgeNode__Split__Cut"] = cut;
        head["EdgeNode__Split__DeadlineMs"] = "10000";
        head["EdgeNode__Camera__FramesPerSecond"] = "2";
        var tail = Environment("it-tail", _dir.File("tail/edgenode.db"), FreePort.Next());
        tail["EdgeNode__Split__Role"] = "tail";
        tail["EdgeNode__Split__Cut"] = cut;
        tail["EdgeNode__Split__Listen"] = peer;
        tail["EdgeNode__Camera__FramesPerSecond"] = "1";

        var tailNode = NodeProcess.Start(_dir.File("tail"), tail);
        await using var headNode = NodeProcess.Start(_dir.File("head"), head);
        try
        {
            await tailNode.WaitForOutputAsync("Split: serving the tail", TimeSpan.FromMinutes(2));
            await headNode.WaitForOutputAsync("Split: streaming activations", TimeSpan.FromMinutes(2));
            await using var telemetry = await MqttProbe.ConnectAsync(headBroker, "edgenode/it-head/telemetry");
            await telemetry.WaitUntilAsync(m => m.Any(x => x.Payload.Contains("\"split\":\"active\"", StringComparison.Ordinal)), TimeSpan.FromMinutes(1), "telemetry saying split: active");
            var before = Results(headDb).Count;
            await WaitAsync(() => Results(headDb).Count >= before + 4, "results through the tail", headNode);

            // A crash of the tail board mid-stream: the head falls back to the whole model, frame by frame.
            await tailNode.KillAsync();
            await tailNode.DisposeAsync();
            await WaitAsync(() => headNode.Output.Contains($"the stream to {peer} closed", StringComparison.Ordinal), "the head noticed", headNode);
            var atKill = Results(headDb).Count;
            await WaitAsync(() => Results(headDb).Count >= atKill + 4, "results while the tail is gone", headNode);
            var degraded = await telemetry.WaitUntilAsync(m => m.Any(Degraded), TimeSpan.FromMinutes(1), "telemetry saying split: degraded with the split health check failing");
            using (var json = JsonDocument.Parse(degraded.First(Degraded).Payload))
            {
                Assert.Contains(peer, json.RootElement.GetProperty("splitReason").GetString(), StringComparison.Ordinal);
                Assert.True(json.RootElement.GetProperty("splitLocalFrames").GetInt64() > 0);
            }

            tailNode = NodeProcess.Start(_dir.File("tail"), tail);
            await WaitAsync(() => Connects().Count(headNode.Output) >= 2, "split resumed after the tail's return", headNode);
            var atReturn = Results(headDb).Count;
            await WaitAsync(() => Results(headDb).Count >= atReturn + 4, "results through the tail again", headNode);

            headNode.Terminate();
            Assert.Equal(0, await headNode.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await tailNode.DisposeAsync();
        }

        var results = Results(headDb);
        var frames = results.Select(r => r.GetProperty("frameSeq").GetInt64()).ToList();
        Assert.Equal(frames.Count, frames.Distinct().Count());
        Assert.Equal(Enumerable.Range((int)frames[0], frames.Count).Select(i => (long)i), frames); // none lost at 2 frames/s
        var stopped = Stopped().Match(headNode.Output);
        Assert.True(stopped.Success, headNode.Output);
        var remote = long.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var local = long.Parse(stopped.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(remote > 0 && local > 0, stopped.Value);
        Assert.Equal(results.Count, remote + local);
    }

    [Fact]
    public async Task HeadAndTail_JpegOffload_StartsAndTheTailRunsTheWholeModelOnTheFrames()
    {
        // kind jpeg used to exit 78 naming EdgeNode:Split:Cut; now both roles run it.
        var cut = _dir.File("jpeg");
        var (splitCode, splitOutput) = await NodeProcess.RunToExitAsync(_dir.Path, new Dictionary<string, string>(), TimeSpan.FromMinutes(5),
            "split", Path.Combine(RepoPaths.ModelsDirectory, "resnet18-int8.onnx"), "--at", "jpeg", "-o", cut);
        Assert.True(splitCode == 0, splitOutput);
        Assert.Contains("\"kind\": \"jpeg\"", File.ReadAllText(Path.Combine(cut, "split.json")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cut, "head.onnx")));

        var tailPort = FreePort.Next();
        var peer = $"http://127.0.0.1:{tailPort}";
        var headDb = _dir.File("head/edgenode.db");
        Directory.CreateDirectory(_dir.File("head"));
        Directory.CreateDirectory(_dir.File("tail"));
        var head = Environment("it-jpeg-head", headDb, FreePort.Next());
        head["EdgeNode__Split__Role"] = "head";
        head["EdgeNode__Split__Peer"] = peer;
        head["EdgeNode__Split__Cut"] = cut;
        head["EdgeNode__Split__DeadlineMs"] = "10000";
        head["EdgeNode__Split__JpegQuality"] = "80";
        head["EdgeNode__Camera__FramesPerSecond"] = "2";
        var tail = Environment("it-jpeg-tail", _dir.File("tail/edgenode.db"), FreePort.Next());
        tail["EdgeNode__Split__Role"] = "tail";
        tail["EdgeNode__Split__Cut"] = cut;
        tail["EdgeNode__Split__Listen"] = peer;
        tail["EdgeNode__Camera__FramesPerSecond"] = "1";

        await using var tailNode = NodeProcess.Start(_dir.File("tail"), tail);
        await using var headNode = NodeProcess.Start(_dir.File("head"), head);
        await tailNode.WaitForOutputAsync("Split: serving the tail", TimeSpan.FromMinutes(2));
        try
        {
            await headNode.WaitForOutputAsync("Split: streaming activations of (jpeg offload)", TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nThe tail's output:\n{tailNode.Output}", ex);
        }

        var before = Results(headDb).Count;
        await WaitAsync(() => Results(headDb).Count >= before + 4, "results through the tail", headNode);
        headNode.Terminate();
        Assert.Equal(0, await headNode.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        var stopped = Stopped().Match(headNode.Output);
        Assert.True(stopped.Success, headNode.Output);
        Assert.True(long.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 4, stopped.Value);
        var sent = Regex.Match(headNode.Output, @"Split: sent (\d+) bytes in (\d+) frames");
        Assert.True(sent.Success && long.Parse(sent.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, headNode.Output);
        Assert.All(Results(headDb), r => Assert.Equal("resnet18-int8", r.GetProperty("model").GetString()));
    }

    public void Dispose() => _dir.Dispose();

    private static bool Degraded(ReceivedMessage message)
    {
        using var json = JsonDocument.Parse(message.Payload);
        var root = json.RootElement;
        return root.GetProperty("split").GetString() == "degraded"
            && root.GetProperty("healthFailing").EnumerateArray().Any(c => c.GetString() == "split");
    }

    private static Dictionary<string, string> Environment(string node, string database, int brokerPort)
    {
        var env = NodeEnvironment.For(node, brokerPort, database, embeddedBroker: true);
        env["EdgeNode__ChangeGate__Enabled"] = "false";
        env["EdgeNode__Inference__IntraOpThreads"] = "1";
        env["EdgeNode__Inference__Model"] = "resnet18-int8";
        return env;
    }

    private static List<JsonElement> Results(string database)
    {
        if (!File.Exists(database))
        {
            return [];
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM messages WHERE kind = 0 ORDER BY seq";
        using var reader = command.ExecuteReader();
        var rows = new List<JsonElement>();
        while (reader.Read())
        {
            rows.Add(JsonDocument.Parse((byte[])reader.GetValue(0)).RootElement.Clone());
        }

        return rows;
    }

    private static async Task WaitAsync(Func<bool> condition, string what, NodeProcess node)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!condition())
        {
            if (node.HasExited || DateTime.UtcNow > limit)
            {
                throw new TimeoutException($"Never saw {what}. Output:\n{node.Output}");
            }

            await Task.Delay(100);
        }
    }

    [GeneratedRegex("Split: streaming activations")]
    private static partial Regex Connects();

    [GeneratedRegex(@"Split: stopped; (\d+) frames were finished by the tail, (\d+) ran locally")]
    private static partial Regex Stopped();
}
