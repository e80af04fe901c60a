using System.Net;
using System.Text;
using System.Text.Json;

namespace EdgeNode.Web.Tests;

/// <summary>
/// The HTTP API against the real Kestrel in the node process (no password, loopback): every endpoint, and every refused
/// request a JSON error with the MQTT command codes that changed nothing in SQLite, the head store or the settings.
/// </summary>
public sealed class WebApiTests(NodeFixture fixture) : IClassFixture<NodeFixture>
{
    private WebNode Node => fixture.Node;

    [Fact]
    public async Task Status_Get_ReportsTheNodeWithSecurityHeadersAndNoSecrets()
    {
        using var client = Node.Client();
        using var response = await client.GetAsync("api/status");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal("resnet18-int8", json.GetProperty("model").GetString());
        Assert.Equal("CPU", json.GetProperty("executionProvider").GetString());
        Assert.True(json.GetProperty("brokerConnected").GetBoolean());
        Assert.DoesNotContain("pbkdf2", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("password", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Page_Get_ServesTheEmbeddedAppWithinTheFirstViewBudget()
    {
        using var client = Node.Client();
        var html = await client.GetStringAsync("/");
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        long total = Encoding.UTF8.GetByteCount(html);
        foreach (var file in new[] { "app.css", "app.js", "api.js", "live.js", "label.js", "region.js", "head.js", "status.js", "favicon.svg" })
        {
            using var response = await client.GetAsync(file);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
            total += (await response.Content.ReadAsByteArrayAsync()).Length;
        }

        Assert.True(total < 200 * 1024, $"the page's files are {total} bytes");
    }

    [Fact]
    public async Task Frame_Get_ReturnsTheLastFrameAsJpeg()
    {
        using var client = Node.Client();
        using var response = await client.GetAsync("api/frame.jpg");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var jpeg = await response.Content.ReadAsByteArrayAsync();
        Assert.True(jpeg is [0xFF, 0xD8, ..], "not a JPEG");
    }

    [Fact]
    public async Task Live_Get_StreamsMultipartJpegFrames()
    {
        using var client = Node.Client();
        using var response = await client.GetAsync("api/live", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("multipart/x-mixed-replace", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var seen = await ReadUntilAsync(stream, s => CountOf(s, "Content-Type: image/jpeg") >= 2, TimeSpan.FromSeconds(20));
        Assert.True(CountOf(seen, "--edgenode-frame") >= 2, seen[..Math.Min(200, seen.Length)]);
    }

    [Fact]
    public async Task Events_Get_StreamsResultsTelemetryAndTraining()
    {
        using var client = Node.Client();
        using var response = await client.GetAsync("api/events", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var seen = await ReadUntilAsync(stream, s => s.Contains("event: result", StringComparison.Ordinal) && s.Contains("event: telemetry", StringComparison.Ordinal) && s.Contains("event: training", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var data = seen.Split('\n').First(l => l.StartsWith("data: {\"id\"", StringComparison.Ordinal));
        Assert.Equal(32, JsonDocument.Parse(data["data: ".Length..]).RootElement.GetProperty("id").GetString()!.Length);
    }

    [Fact]
    public async Task Results_GetWithLimitAndBefore_PagesBackwards()
    {
        using var api = new Api(Node.Client());
        var (status, first) = await api.SendAsync(HttpMethod.Get, "api/results?limit=3");
        Assert.Equal(HttpStatusCode.OK, status);
        var page = first.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, page.Count);
        Assert.True(page[0].GetProperty("seq").GetInt64() > page[2].GetProperty("seq").GetInt64(), "newest first");
        var (_, second) = await api.SendAsync(HttpMethod.Get, $"api/results?limit=3&before={first.GetProperty("next").GetInt64()}");
        var older = second.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(older);
        Assert.True(older[0].GetProperty("seq").GetInt64() < page[2].GetProperty("seq").GetInt64(), "the next page is older");
        Assert.Equal("bad_request", Api.ErrorCode((await api.SendAsync(HttpMethod.Get, "api/results?limit=0")).Json));
        Assert.Equal("bad_request", Api.ErrorCode((await api.SendAsync(HttpMethod.Get, "api/results?before=x")).Json));
    }

    [Fact]
    public async Task ResultImage_UnknownId_404UnknownResult()
    {
        using var api = new Api(Node.Client());
        var (status, json) = await api.SendAsync(HttpMethod.Get, "api/results/0123456789abcdef0123456789abcdef/image");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown_result", Api.ErrorCode(json));
    }

    [Fact]
    public async Task ResultImage_DuringALabellingSession_ReturnsTheResultsJpeg()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var (status, session) = await api.SendAsync(HttpMethod.Put, "api/labelling", "{\"storeImages\": true}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(session.GetProperty("storeImages").GetBoolean());
        try
        {
            JsonElement withImage = default;
            for (var i = 0; i < 100 && withImage.ValueKind == JsonValueKind.Undefined; i++)
            {
                await Task.Delay(200);
                var (_, results) = await api.SendAsync(HttpMethod.Get, "api/results?limit=20");
                withImage = results.GetProperty("results").EnumerateArray().FirstOrDefault(r => r.GetProperty("hasImage").GetBoolean());
            }

            Assert.NotEqual(JsonValueKind.Undefined, withImage.ValueKind);
            var jpeg = await api.Client.GetByteArrayAsync($"api/results/{withImage.GetProperty("id").GetString()}/image");
            Assert.True(jpeg is [0xFF, 0xD8, ..], "not a JPEG");
        }
        finally
        {
            await api.SendAsync(HttpMethod.Put, "api/labelling", "{\"storeImages\": false}");
        }

        Assert.Equal("bad_request", Api.ErrorCode((await api.SendAsync(HttpMethod.Put, "api/labelling", "{\"storeImages\": 1}")).Json));
    }

    [Theory]
    [InlineData("{\"result\":\"0123456789abcdef0123456789abcdef\",\"label\":\"cat\"}", HttpStatusCode.NotFound, "unknown_result")]
    [InlineData("{\"result\":\"last\",\"label\":\"\"}", HttpStatusCode.BadRequest, "invalid_label")]
    [InlineData("{\"result\":\"last\",\"label\":\"   \"}", HttpStatusCode.BadRequest, "invalid_label")]
    [InlineData("{\"result\":\"last\",\"label\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", HttpStatusCode.BadRequest, "invalid_label")]
    [InlineData("{\"result\":42,\"label\":\"cat\"}", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("not json", HttpStatusCode.BadRequest, "bad_request")]
    [InlineData("", HttpStatusCode.BadRequest, "bad_request")]
    public async Task Labels_PostBadInput_JsonErrorAndNothingStored(string body, HttpStatusCode expected, string code)
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var before = NodeState.Of(Node);
        var (status, json) = await api.SendAsync(HttpMethod.Post, "api/labels", body);
        Assert.Equal(expected, status);
        Assert.Equal(code, Api.ErrorCode(json));
        Assert.Equal(before, NodeState.Of(Node));
    }

    [Fact]
    public async Task Labels_PostWithoutCsrfToken_403AndNothingStored()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var before = NodeState.Of(Node);
        var (status, json) = await api.SendAsync(HttpMethod.Post, "api/labels", "{\"result\":\"last\",\"label\":\"cat\"}", csrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("csrf", Api.ErrorCode(json));
        api.Csrf = "not-the-token";
        (status, json) = await api.SendAsync(HttpMethod.Post, "api/labels", "{\"result\":\"last\",\"label\":\"cat\"}");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("csrf", Api.ErrorCode(json));
        foreach (var (method, path) in new[] { (HttpMethod.Post, "api/train"), (HttpMethod.Post, "api/rollback"), (HttpMethod.Put, "api/region"), (HttpMethod.Delete, "api/region") })
        {
            (status, json) = await api.SendAsync(method, path, "{}", csrf: false);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Equal("csrf", Api.ErrorCode(json));
        }

        Assert.Equal(before, NodeState.Of(Node));
    }

    [Fact]
    public async Task Labels_PostTenMegabyteBody_413AndNothingStored()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var before = NodeState.Of(Node);
        var huge = "{\"result\":\"last\",\"label\":\"" + new string('a', 10 * 1024 * 1024) + "\"}";
        var (status, json) = await api.SendAsync(HttpMethod.Post, "api/labels", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("payload_too_large", Api.ErrorCode(json));
        Assert.Equal(before, NodeState.Of(Node));
    }

    [Fact]
    public async Task Region_PutOutsideTheFrame_400AndSettingsUnchanged()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var before = NodeState.Of(Node);
        foreach (var body in new[] { "{\"x\":300,\"y\":0,\"width\":40,\"height\":40}", "{\"x\":0,\"y\":0,\"width\":321,\"height\":100}", "{\"x\":-1,\"y\":0,\"width\":20,\"height\":20}", "{\"x\":0,\"y\":0,\"width\":2,\"height\":2}" })
        {
            var (status, json) = await api.SendAsync(HttpMethod.Put, "api/region", body);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_region", Api.ErrorCode(json));
        }

        Assert.Equal("bad_request", Api.ErrorCode((await api.SendAsync(HttpMethod.Put, "api/region", "{\"x\":\"0\"}")).Json));
        Assert.Equal(before, NodeState.Of(Node));
    }

    [Fact]
    public async Task UnknownApiPath_404JsonError()
    {
        using var api = new Api(Node.Client());
        var (status, json) = await api.SendAsync(HttpMethod.Get, "api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", Api.ErrorCode(json));
    }

    [Fact]
    public async Task Prediction_PutThresholdOutOfRange_400AndSettingsUnchanged()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        var before = NodeState.Of(Node);
        Assert.Equal("bad_request", Api.ErrorCode((await api.SendAsync(HttpMethod.Put, "api/prediction", "{\"unknownBelow\": 1.5}")).Json));
        Assert.Equal("bad_request", Api.ErrorCode((await api.SendAsync(HttpMethod.Put, "api/prediction", "{\"unknownBelow\": \"high\"}")).Json));
        Assert.Equal(before, NodeState.Of(Node));
    }

    internal static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    internal static async Task<string> ReadUntilAsync(Stream stream, Func<string, bool> done, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var seen = new StringBuilder();
        var buffer = new byte[64 * 1024];
        while (!done(seen.ToString()))
        {
            var read = await stream.ReadAsync(buffer, cts.Token);
            if (read == 0)
            {
                break;
            }

            seen.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return seen.ToString();
    }
}
