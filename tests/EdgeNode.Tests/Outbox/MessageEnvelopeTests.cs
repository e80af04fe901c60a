using System.Text;
using System.Text.Json;
using EdgeNode.Outbox;

namespace EdgeNode.Tests.Outbox;

public sealed class MessageEnvelopeTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 13, 3, 54, 744, TimeSpan.Zero);

    [Fact]
    public void Serialize_FullEnvelope_WritesIdTsSeqNodeFirstThenBody()
    {
        var json = Encoding.UTF8.GetString(MessageEnvelope.Serialize(new Envelope("abc", At, 13, "vm"), 7, static (w, n) => w.WriteNumber("n", n)));

        Assert.Equal("{\"id\":\"abc\",\"ts\":\"2026-11-28T13:03:54.744Z\",\"seq\":13,\"node\":\"vm\",\"n\":7}", json);
    }

    [Fact]
    public void Serialize_NoIdNoSeq_LeavesThemOut()
    {
        var json = Encoding.UTF8.GetString(MessageEnvelope.Serialize(new Envelope(null, At, null, "vm"), 0, static (_, _) => { }));

        Assert.Equal("{\"ts\":\"2026-11-28T13:03:54.744Z\",\"node\":\"vm\"}", json);
    }

    [Fact]
    public void Serialize_NonAsciiAndQuotes_KeepsUtf8AndEscapesQuotes()
    {
        var json = Encoding.UTF8.GetString(MessageEnvelope.Serialize(new Envelope("1", At, 1, "knoten-ä"), "°C \"x\"", static (w, unit) => w.WriteString("unit", unit)));

        Assert.Contains("\"node\":\"knoten-ä\"", json, StringComparison.Ordinal);
        Assert.Contains("\"unit\":\"°C \\\"x\\\"\"", json, StringComparison.Ordinal);
        Assert.Equal("°C \"x\"", JsonDocument.Parse(json).RootElement.GetProperty("unit").GetString());
    }

    [Fact]
    public void FormatTimestamp_OtherOffset_IsUtcWithMillisecondsAndZ()
    {
        Assert.Equal("2026-11-28T13:03:54.744Z", MessageEnvelope.FormatTimestamp(At.ToOffset(TimeSpan.FromHours(2))));
    }

    [Fact]
    public void NewId_LaterTime_Is32HexDigitsAndSortsAfter()
    {
        var first = MessageEnvelope.NewId(At);
        var second = MessageEnvelope.NewId(At.AddMilliseconds(1));

        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.True(string.CompareOrdinal(first, second) < 0, $"{first} should sort before {second}");
        Assert.NotEqual(first, MessageEnvelope.NewId(At));
    }
}
