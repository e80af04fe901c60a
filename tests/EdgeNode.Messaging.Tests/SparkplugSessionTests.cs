using EdgeNode.Messaging.Sparkplug;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Messaging.Tests;

/// <summary>bdSeq (per CONNECT, persisted, wrapping) and seq (0 in a birth, wrapping after 255).</summary>
public sealed class SparkplugSessionTests : IDisposable
{
    private static readonly SparkplugTopics Topics = new("grp", "n1");
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task CreateWillAsync_FirstConnect_IsTheNDeathWithBdSeqZeroOnly()
    {
        using var session = Create(_dir.File("bdseq"));

        var will = await session.CreateWillAsync(CancellationToken.None);

        Assert.Equal("spBv1.0/grp/NDEATH/n1", will.Topic);
        Assert.Equal(1, will.QualityOfService);
        Assert.False(will.Retain);
        var payload = SparkplugCodec.Decode(will.Payload.Span);
        Assert.Null(payload.Seq);
        Assert.NotNull(payload.Timestamp);
        var metric = Assert.Single(payload.Metrics);
        Assert.Equal(new SparkplugMetric("bdSeq", null, SparkplugDataType.Int64, 0L), metric);
        Assert.Equal(0L, session.BdSeq);
    }

    [Fact]
    public async Task CreateWillAsync_EveryConnect_AddsOne_AndARestartContinues()
    {
        var path = _dir.File("bdseq");
        using (var session = Create(path))
        {
            Assert.Equal([0L, 1L, 2L], await BdSeqsOfNextWillsAsync(session, 3));
            Assert.Equal(3, session.Connection);
        }

        using var restarted = Create(path);
        Assert.Equal(3L, await BdSeqOfNextWillAsync(restarted));
        Assert.Equal("3", File.ReadAllText(path).Trim());
    }

    [Fact]
    public async Task CreateWillAsync_After255_WrapsToZero()
    {
        var path = _dir.File("bdseq");
        File.WriteAllText(path, "254\n");
        using var session = Create(path);

        Assert.Equal([255L, 0L, 1L], await BdSeqsOfNextWillsAsync(session, 3));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("-4")]
    [InlineData("256")]
    [InlineData("")]
    public async Task CreateWillAsync_DamagedFile_StartsAgainAtZero_AndRepairsIt(string content)
    {
        var path = _dir.File("bdseq");
        File.WriteAllText(path, content);
        using var session = Create(path);

        Assert.Equal(0L, await BdSeqOfNextWillAsync(session));
        Assert.Equal("0", File.ReadAllText(path).Trim());
    }

    [Fact]
    public async Task CreateWillAsync_FileCannotBeWritten_GoesOnInMemory()
    {
        // The path is a directory: every write fails, yet the connection must still get a will.
        var path = _dir.File("bdseq-dir");
        Directory.CreateDirectory(path);
        using var session = Create(path);

        Assert.Equal([0L, 1L], await BdSeqsOfNextWillsAsync(session, 2));
    }

    [Fact]
    public void Seq_IsZeroInABirth_ThenCountsTo255_AndWrapsToZero()
    {
        using var session = Create(null);
        var seqs = new List<ulong> { session.BirthSeq() };
        for (var i = 0; i < 300; i++)
        {
            seqs.Add(session.NextSeq());
        }

        Assert.Equal(Enumerable.Range(0, 301).Select(i => (ulong)(i % 256)), seqs);
        Assert.Equal(0UL, session.BirthSeq());
        Assert.Equal(1UL, session.NextSeq());
    }

    public void Dispose() => _dir.Dispose();

    private static SparkplugSession Create(string? path) => new(Topics, path, TimeProvider.System, NullLogger<SparkplugSession>.Instance);

    private static async Task<List<long>> BdSeqsOfNextWillsAsync(SparkplugSession session, int count)
    {
        var list = new List<long>();
        for (var i = 0; i < count; i++)
        {
            list.Add(await BdSeqOfNextWillAsync(session));
        }

        return list;
    }

    private static async Task<long> BdSeqOfNextWillAsync(SparkplugSession session)
    {
        var will = await session.CreateWillAsync(CancellationToken.None);
        return (long)SparkplugCodec.Decode(will.Payload.Span).Metrics.Single(m => m.Name == "bdSeq").Value!;
    }
}
