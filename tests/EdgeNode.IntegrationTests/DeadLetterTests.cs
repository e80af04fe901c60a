using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// A stored item the broker refuses (PUBACK 0x87 from a real mosquitto's ACL) is dead-lettered with an event and
/// counted in telemetry; the publishing lanes keep running (issue 20, item 18).
/// </summary>
public sealed class DeadLetterTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private static readonly string[] AllowedTopics = ["status", "telemetry", "events", "sensors/#", "cmd/#", "reply/#"];
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Node_BrokerRefusesResultsTopic_ResultsDeadLettered_EventAndTelemetryCount_SensorsKeepFlowing()
    {
        // Anonymous clients (lines before any "user") may use every node topic but results.
        var acl = _dir.File("edgenode.acl");
        await File.WriteAllTextAsync(acl, string.Join('\n', AllowedTopics.Select(t => $"topic readwrite edgenode/it-dl/{t}")) + "\ntopic readwrite homeassistant/#\n");
        await using var broker = await MosquittoBroker.StartAsync($"acl_file {acl}\n");
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/it-dl/#");
        await using var node = NodeProcess.Start(_dir.Path, NodeEnvironment.For("it-dl", broker.Port, _dir.File("edgenode.db")));

        var first = await probe.WaitUntilAsync(m => m.Any(IsDeadLetterEvent), Startup, "a dead-lettered event");
        var seen = first.Count;
        var later = await probe.WaitUntilAsync(
            m => m.Skip(seen).Any(x => x.Topic.StartsWith("edgenode/it-dl/sensors/", StringComparison.Ordinal))
                 && m.Skip(seen).Count(IsDeadLetterEvent) >= 2
                 && m.Any(x => x.Topic == "edgenode/it-dl/telemetry" && DeadLettered(x.Payload) >= 3),
            Startup,
            "sensor readings, more dead letters and the telemetry count after the first refusal");

        var deadLetter = JsonDocument.Parse(first.First(IsDeadLetterEvent).Payload).RootElement;
        Assert.Equal("edgenode/it-dl/results", deadLetter.GetProperty("topic").GetString());
        Assert.Equal("result", deadLetter.GetProperty("kind").GetString());
        Assert.Contains("NotAuthorized", deadLetter.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(later, m => m.Topic == "edgenode/it-dl/results");
        Assert.DoesNotContain("Publishing from the outbox stopped", node.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private static bool IsDeadLetterEvent(ReceivedMessage m) =>
        m.Topic == "edgenode/it-dl/events" && m.Payload.Contains("\"dead-lettered\"", StringComparison.Ordinal);

    private static long DeadLettered(string telemetry) =>
        JsonDocument.Parse(telemetry).RootElement.TryGetProperty("deadLettered", out var v) ? v.GetInt64() : 0;
}
