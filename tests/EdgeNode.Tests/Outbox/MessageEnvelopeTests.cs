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
    public void Serialize_OneThreadsBufferReused_EachMessageIsExactlyItsOwn()
    {
        var big = new string('x', 100_000); // grows the thread's buffer past what it keeps
        var first = MessageEnvelope.Serialize(new Envelope("1", At, 1, "vm"), big, static (w, text) => w.WriteString("text", text));
        var second = MessageEnvelope.Serialize(new Envelope("2", At, 2, "vm"), 2, static (w, n) => w.WriteNumber("n", n));
        var third = MessageEnvelope.Serialize(new Envelope("3", At, 3, "vm"), 3, static (w, n) => w.WriteNumber("n", n));

        Assert.Equal(big, JsonDocument.Parse(first).RootElement.GetProperty("text").GetString());
        Assert.Equal("{\"id\":\"2\",\"ts\":\"2026-11-28T13:03:54.744Z\",\"seq\":2,\"node\":\"vm\",\"n\":2}", Encoding.UTF8.GetString(second));
        Assert.Equal("{\"id\":\"3\",\"ts\":\"2026-11-28T13:03:54.744Z\",\"seq\":3,\"node\":\"vm\",\"n\":3}", Encoding.UTF8.GetString(third));
    }

    [Fact]
    public void Serialize_ABodyThatSerialisesAMessageOfItsOwn_BothAreWhole()
    {
        byte[]? inner = null;
        var outer = MessageEnvelope.Serialize(new Envelope("o", At, 1, "vm"), 0, (w, _) =>
        {
            inner = MessageEnvelope.Serialize(new Envelope("i", At, 2, "vm"), 5, static (iw, n) => iw.WriteNumber("n", n));
            w.WriteString("k", "v");
        });

        Assert.Equal("{\"id\":\"o\",\"ts\":\"2026-11-28T13:03:54.744Z\",\"seq\":1,\"node\":\"vm\",\"k\":\"v\"}", Encoding.UTF8.GetString(outer));
        Assert.Equal("{\"id\":\"i\",\"ts\":\"2026-11-28T13:03:54.744Z\",\"seq\":2,\"node\":\"vm\",\"n\":5}", Encoding.UTF8.GetString(inner!));
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
