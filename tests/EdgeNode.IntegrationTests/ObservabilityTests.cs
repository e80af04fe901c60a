using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>Telemetry's system fields, the health command and the OTLP metrics export, on the node as a process.</summary>
public sealed class ObservabilityTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Telemetry_SystemFieldsAndHealth_HealthCommandRoundTrips_MetricsExportedOverOtlp()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var collector = new HttpListener();
        var otlpPort = FreePort.Next();
        collector.Prefixes.Add($"http://127.0.0.1:{otlpPort}/");
        collector.Start();
        var exports = ReceiveExportsAsync(collector);

        var environment = NodeEnvironment.For("it-obs", broker.Port, _dir.File("edgenode.db"));
        environment["EdgeNode__Health__PeriodSeconds"] = "1";
        environment["EdgeNode__Telemetry__Otlp__Endpoint"] = $"http://127.0.0.1:{otlpPort.ToString(CultureInfo.InvariantCulture)}";
        environment["EdgeNode__Telemetry__Otlp__ExportIntervalSeconds"] = "1";
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-obs/telemetry");
        await using var node = NodeProcess.Start(_dir.Path, environment);

        // Telemetry: CPU from a delta needs a second sample; health needs one evaluation.
        var messages = await probe.WaitUntilAsync(
            m => m.Any(x => JsonDocument.Parse(x.Payload).RootElement is var t && t.GetProperty("cpuPercent").ValueKind == JsonValueKind.Number && t.GetProperty("health").GetString() == "healthy"),
            Startup,
            "telemetry with CPU load and a healthy report");
        var telemetry = JsonDocument.Parse(messages[^1].Payload).RootElement;
        Assert.InRange(telemetry.GetProperty("cpuPercent").GetDouble(), 0, 100);
        Assert.InRange(telemetry.GetProperty("memUsedPercent").GetDouble(), 0, 100);
        Assert.True(telemetry.GetProperty("memAvailableMiB").GetDouble() > 0);
        Assert.True(telemetry.GetProperty("rssMiB").GetDouble() > 10);
        Assert.True(telemetry.GetProperty("loadAvg1").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Null, telemetry.GetProperty("headVersion").ValueKind); // no head trained
        Assert.Equal(JsonValueKind.Array, telemetry.GetProperty("healthFailing").ValueKind);
        Assert.Equal(0, telemetry.GetProperty("healthFailing").GetArrayLength());
        // This VM has no thermal zone and no Raspberry Pi firmware: null, not an invented number.
        var thermal = Directory.Exists("/sys/class/thermal") && Directory.EnumerateDirectories("/sys/class/thermal", "thermal_zone*").Any();
        Assert.Equal(thermal ? JsonValueKind.Number : JsonValueKind.Null, telemetry.GetProperty("socTempC").ValueKind);

        await using var client = await CommandClient.ConnectAsync(broker.Port);
        var health = await client.WaitReadyAsync("edgenode/it-obs/cmd/health", Startup);
        Assert.True(health.Ok, health.Json);
        Assert.Equal("healthy", health.Root.GetProperty("status").GetString());
        var checks = health.Root.GetProperty("checks");
        Assert.Equal(["broker", "pipeline", "resources"], checks.EnumerateObject().Select(p => p.Name));
        Assert.Equal("healthy", checks.GetProperty("pipeline").GetProperty("status").GetString());
        Assert.True(checks.GetProperty("pipeline").GetProperty("inferences").GetInt64() > 0);
        Assert.Equal("invalid_argument", (await client.SendAsync("edgenode/it-obs/cmd/health", "{\"verbose\":true}", Reply)).ErrorCode);

        // OTLP/HTTP protobuf: the metric names travel as strings inside the request body.
        var body = await exports.WaitAsync(Startup);
        Assert.Contains("edgenode.inferences", body, StringComparison.Ordinal);
        Assert.Contains("edgenode.inference.duration", body, StringComparison.Ordinal);
        Assert.Contains("edgenode.outbox.depth", body, StringComparison.Ordinal);
        Assert.Contains("it-obs", body, StringComparison.Ordinal); // service.instance.id
        Assert.False(node.HasExited, node.Output);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Answers OTLP export requests until one carries the node's inference and outbox metrics; returns its body.</summary>
    private static async Task<string> ReceiveExportsAsync(HttpListener listener)
    {
        while (true)
        {
            var context = await listener.GetContextAsync();
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var ok = context.Request.HttpMethod == "POST"
                && context.Request.Url?.AbsolutePath == "/v1/metrics"
                && context.Request.ContentType == "application/x-protobuf";
            context.Response.StatusCode = ok ? 200 : 404;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
            var text = Encoding.Latin1.GetString(body.ToArray());
            // The gauges appear once the first telemetry snapshot exists.
            if (ok && text.Contains("edgenode.inference.duration", StringComparison.Ordinal) && text.Contains("edgenode.outbox.depth", StringComparison.Ordinal))
            {
                return text;
            }
        }
    }
}
