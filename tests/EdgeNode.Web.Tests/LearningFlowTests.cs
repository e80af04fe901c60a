using System.Net;
using System.Text.Json;

namespace EdgeNode.Web.Tests;

/// <summary>
/// Labels, undo, training, head versions with held-back accuracy, rollback, the region and the "unknown" threshold
/// through the HTTP API on a node of its own (training changes the head store, which other tests assert unchanged).
/// </summary>
public sealed class LearningFlowTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private WebNode Node => fixture.Node;

    [Fact]
    public async Task LabelsTrainRollback_ThroughTheApi_HeadVersionsAndUndo()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var samples = new List<long>();
        for (var i = 0; i < 9; i++)
        {
            samples.Add(await LabelAsync(api, i % 2 == 0 ? "red" : "blue"));
        }

        // Undo: the sample is gone from SQLite; undoing it again is a JSON error that changes nothing.
        var before = NodeState.Of(Node);
        var (status, json) = await api.SendAsync(HttpMethod.Delete, $"api/labels/{samples[^1]}");
        Assert.Equal(HttpStatusCode.OK, status);
        var after = NodeState.Of(Node);
        Assert.Equal(before.SampleRows - 1, after.SampleRows);
        (status, json) = await api.SendAsync(HttpMethod.Delete, $"api/labels/{samples[^1]}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", Api.ErrorCode(json));
        Assert.Equal(after, NodeState.Of(Node));

        // Two more labels reach RetrainAfterLabels (10 accepted): head version 1 trains by itself.
        await LabelAsync(api, "blue");
        await LabelAsync(api, "red");
        var heads = await WaitForHeadAsync(api, 1);
        var classes = heads.GetProperty("classes").EnumerateArray().ToDictionary(c => c.GetProperty("label").GetString()!, c => c.GetProperty("samples").GetInt64());
        Assert.Equal(10, classes["red"] + classes["blue"]);
        var v1 = heads.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == 1);
        Assert.True(v1.GetProperty("active").GetBoolean());
        var heldBack = v1.GetProperty("heldBack");
        var n = heldBack.GetProperty("classes").GetArrayLength();
        Assert.Equal(n, heldBack.GetProperty("confusion").GetArrayLength());
        Assert.Equal(heldBack.GetProperty("count").GetInt32(), heldBack.GetProperty("confusion").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetInt32())));

        // Train now. The labels name whatever frame was last, so the candidate may lose to version 1 on the small
        // held-back split: the validation gate then rejects it, says why and version 1 stays. Accepted: version 2,
        // and rollback returns to version 1, in the reply and in the results.
        (status, json) = await api.SendAsync(HttpMethod.Post, "api/train", "{}");
        Assert.Equal(HttpStatusCode.Accepted, status);
        heads = await WaitForAsync(api, "api/heads", h => TrainNowOutcome(h.GetProperty("training")), "the outcome of the run after version 1");
        if (heads.GetProperty("training").GetProperty("phase").GetString() == "rejected")
        {
            Assert.Equal(1, heads.GetProperty("activeVersion").GetInt32());
            Assert.False(string.IsNullOrEmpty(heads.GetProperty("training").GetProperty("message").GetString()), "a rejected run says why");
        }
        else
        {
            await WaitForHeadAsync(api, 2);
            (status, json) = await api.SendAsync(HttpMethod.Post, "api/rollback", "{}");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1, json.GetProperty("headVersion").GetInt32());
            await WaitForAsync(api, "api/status", s => s.GetProperty("last").GetProperty("headVersion").ValueKind == JsonValueKind.Number && s.GetProperty("last").GetProperty("headVersion").GetInt32() == 1, "results from head 1 after the rollback");
        }

        // A threshold above every confidence: the node says "unknown"; back to 0, it names a class again.
        (status, _) = await api.SendAsync(HttpMethod.Put, "api/prediction", "{\"unknownBelow\": 1}");
        Assert.Equal(HttpStatusCode.OK, status);
        await WaitForAsync(api, "api/status", s => s.GetProperty("last").GetProperty("label").GetString() == "unknown", "an unknown result");
        await api.SendAsync(HttpMethod.Put, "api/prediction", "{\"unknownBelow\": 0}");
        await WaitForAsync(api, "api/status", s => s.GetProperty("last").GetProperty("label").GetString() is "red" or "blue", "a class again");
    }

    [Fact]
    public async Task Region_PutInsideTheFrame_StoredShownInTelemetryAndUndone()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var (status, json) = await api.SendAsync(HttpMethod.Get, "api/region");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(320, json.GetProperty("frame").GetProperty("width").GetInt32());
        (status, json) = await api.SendAsync(HttpMethod.Put, "api/region", "{\"x\":10,\"y\":20,\"width\":160,\"height\":120}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(160, json.GetProperty("region").GetProperty("width").GetInt32());
        Assert.True(json.GetProperty("canUndo").GetBoolean());
        Assert.Contains("\"Width\": 160", await File.ReadAllTextAsync(Node.RuntimeSettings), StringComparison.Ordinal);

        using (var response = await api.Client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            await WebApiTests.ReadUntilAsync(stream, s => s.Contains("\"region\":{\"x\":10,\"y\":20,\"width\":160,\"height\":120}", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        }

        var withRegion = await WaitForAsync(api, "api/status", s => s.GetProperty("region").ValueKind == JsonValueKind.Object, "the region in the status");
        Assert.Equal(120, withRegion.GetProperty("region").GetProperty("height").GetInt32());
        (status, json) = await api.SendAsync(HttpMethod.Post, "api/region/undo", "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("region").ValueKind);
        Assert.DoesNotContain("Width", await File.ReadAllTextAsync(Node.RuntimeSettings), StringComparison.Ordinal);
        (status, json) = await api.SendAsync(HttpMethod.Post, "api/region/undo", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("nothing_to_undo", Api.ErrorCode(json));
    }

    private static async Task<long> LabelAsync(Api api, string label)
    {
        // A new result between labels: each label names a different frame.
        await Task.Delay(300);
        var (status, json) = await api.SendAsync(HttpMethod.Post, "api/labels", $"{{\"result\":\"last\",\"label\":\"{label}\"}}");
        Assert.True(status == HttpStatusCode.OK, json.ToString());
        Assert.Equal(label, json.GetProperty("label").GetString());
        Assert.True(json.GetProperty("stored").GetBoolean());
        return json.GetProperty("sample").GetInt64();
    }

    // Version 1's own run ended "accepted" with version 1; the next run ends accepted as version 2, or rejected.
    private static bool TrainNowOutcome(JsonElement training) =>
        training.GetProperty("phase").GetString() switch
        {
            "rejected" => true,
            "accepted" => training.GetProperty("version").ValueKind == JsonValueKind.Number && training.GetProperty("version").GetInt32() == 2,
            _ => false,
        };

    private async Task<JsonElement> WaitForHeadAsync(Api api, int version) =>
        await WaitForAsync(api, "api/heads", h => h.GetProperty("activeVersion").ValueKind == JsonValueKind.Number && h.GetProperty("activeVersion").GetInt32() == version, $"head version {version}");

    private async Task<JsonElement> WaitForAsync(Api api, string path, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var (_, json) = await api.SendAsync(HttpMethod.Get, path);
            try
            {
                if (done(json))
                {
                    return json;
                }
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
            {
                // Not there yet (no result, a null field).
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"never saw {what}; last {path}: {json}\nNode output:\n{Node.Process.Output}");
            }

            await Task.Delay(250);
        }
    }
}
