using System.Text;
using EdgeNode.Core;
using EdgeNode.Learning;
using EdgeNode.Storage;

namespace EdgeNode.Learning.Tests;

public sealed class LabelIntakeTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "edgenode-samples-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecentEmbeddings _recent;
    private SqliteSampleStore _store = null!;

    public LabelIntakeTests() => _recent = new(capacity: 4, TimeSpan.FromMinutes(10), _time);

    public async Task InitializeAsync() => _store = await SqliteSampleStore.OpenAsync(_path, seed: 1);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*"))
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Label_Last_StoresEmbeddingWithSourceAndModel()
    {
        _recent.Record("r1", _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        _recent.Record("r2", _time.GetUtcNow(), [4f, 5f, 6f], "resnet18");

        var outcome = await Intake().HandleAsync(Json("""{"result":"last","label":" cat "}"""), "mqtt", default);

        Assert.True(outcome.Ok, outcome.Message);
        Assert.Equal("r2", outcome.ResultId);
        var sample = Assert.Single(await _store.ListAsync(new SampleQuery(IncludeEmbedding: true), default));
        Assert.Equal(("cat", "mqtt", "resnet18", "r2"), (sample.Label, sample.Source, sample.ModelId, sample.ResultId));
        Assert.Equal([4f, 5f, 6f], sample.Embedding!);
    }

    [Fact]
    public async Task Label_WithKeptImages_StoresTheResultsJpeg_AndNullWhereTheImageIsGone()
    {
        var images = new RecentImages(1);
        images.Record("r1", [0xFF, 0xD8, 1, 0xFF, 0xD9]);
        _recent.Record("r1", _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        images.Record("r2", [0xFF, 0xD8, 2, 0xFF, 0xD9]); // pushes r1's image out of the one-slot ring
        _recent.Record("r2", _time.GetUtcNow(), [4f, 5f, 6f], "resnet18");
        var intake = new LabelIntake(_store, _recent, new LabelRateLimiter(_time, 600, 100), _time, maxLabelLength: 64, capacityPerClass: 100, images);

        Assert.True((await intake.HandleAsync(Json("""{"result":"r2","label":"cat"}"""), "mqtt", default)).Ok);
        Assert.True((await intake.HandleAsync(Json("""{"result":"r1","label":"dog"}"""), "mqtt", default)).Ok);

        var samples = await _store.ListAsync(new SampleQuery(IncludeImage: true), default);
        Assert.Equal([0xFF, 0xD8, 2, 0xFF, 0xD9], samples.Single(x => x.Label == "cat").Image!);
        Assert.Null(samples.Single(x => x.Label == "dog").Image); // not an empty blob
    }

    [Theory]
    [InlineData("""{"result":"nope","label":"cat"}""", "unknown_result")]
    [InlineData("""{"result":"r1","label":"   "}""", "invalid_label")]
    [InlineData("""{"result":"r1","label":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "invalid_label")]
    [InlineData("""{"result":"r1","label":"a\u0007b"}""", "invalid_label")]
    [InlineData("""{"result":"r1"}""", "bad_request")]
    [InlineData("""not json""", "bad_request")]
    [InlineData("""{"result":"nan","label":"cat"}""", "invalid_embedding")]
    public async Task Label_BadInput_IsRejectedAndNothingStored(string payload, string code)
    {
        _recent.Record("r1", _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        _recent.Record("nan", _time.GetUtcNow(), [1f, float.NaN, 3f], "resnet18");

        var outcome = await Intake().HandleAsync(Json(payload), "mqtt", default);

        Assert.False(outcome.Ok);
        Assert.Equal(code, outcome.ErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Message));
        Assert.Empty(await _store.ListAsync(new SampleQuery(), default));
    }

    [Fact]
    public async Task Label_WallClockJumps_TimeToLiveFollowsTheMonotonicClock()
    {
        var clock = new EdgeNode.Testing.SplitClock(_time.GetUtcNow());
        var recent = new RecentEmbeddings(4, TimeSpan.FromMinutes(10), clock);
        var intake = new LabelIntake(_store, recent, new LabelRateLimiter(clock, 600, 100), clock, maxLabelLength: 64, capacityPerClass: 100);
        recent.Record("r1", clock.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        recent.Record("r2", clock.GetUtcNow(), [1f, 2f, 3f], "resnet18");

        // NTP moves the wall clock an hour ahead: r1 was recorded a moment ago and can still be labelled.
        clock.JumpWall(TimeSpan.FromHours(1));
        var afterJump = await intake.LabelAsync("r1", "cat", "mqtt", default);
        clock.JumpWall(TimeSpan.FromHours(-2));
        clock.Advance(TimeSpan.FromMinutes(11));
        var expired = await intake.LabelAsync("r2", "cat", "mqtt", default);

        Assert.True(afterJump.Ok, afterJump.Message);
        Assert.Equal("unknown_result", expired.ErrorCode);
        Assert.Single(await _store.ListAsync(new SampleQuery(), default));
    }

    [Fact]
    public async Task Label_ExpiredOrEvictedResult_IsUnknown()
    {
        _recent.Record("old", _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        _time.Advance(TimeSpan.FromMinutes(11));
        var intake = Intake();

        var expired = await intake.LabelAsync("old", "cat", "mqtt", default);
        for (var i = 0; i < 4; i++)
        {
            _recent.Record("n" + i, _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        }

        _recent.Record("n4", _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        var evicted = await intake.LabelAsync("n0", "cat", "mqtt", default);

        Assert.Equal("unknown_result", expired.ErrorCode);
        Assert.Equal("unknown_result", evicted.ErrorCode);
        Assert.True((await intake.LabelAsync("n4", "cat", "mqtt", default)).Ok);
    }

    [Fact]
    public async Task Label_Flood_IsRateLimitedThenRecovers()
    {
        _recent.Record("r1", _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        var intake = Intake(perMinute: 60, burst: 5);

        var outcomes = new List<LabelOutcome>();
        for (var i = 0; i < 8; i++)
        {
            outcomes.Add(await intake.LabelAsync("r1", "cat", "mqtt", default));
        }

        _time.Advance(TimeSpan.FromSeconds(2));
        var later = await intake.LabelAsync("r1", "cat", "mqtt", default);

        Assert.Equal(5, outcomes.Count(o => o.Ok));
        Assert.All(outcomes.Skip(5), o => Assert.Equal("rate_limited", o.ErrorCode));
        Assert.True(later.Ok);
        Assert.Equal(6, (await _store.ListAsync(new SampleQuery(), default)).Count);
    }

    [Fact]
    public async Task SampleStore_Reservoir_CapsEachClassAndListsByClassAndTime()
    {
        for (var i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await _store.AddAsync(new NewSample(i % 3 == 0 ? "dog" : "cat", "folder", "m", new float[] { i, 0 }, _time.GetUtcNow(), Image: new byte[] { 1, 2 }), capacityPerClass: 4, default);
        }

        var counts = await _store.CountByClassAsync(default);
        var dogs = await _store.ListAsync(new SampleQuery(Label: "dog", IncludeImage: true), default);
        var page = await _store.ListAsync(new SampleQuery(Before: dogs[1].CreatedAt, Limit: 2), default);

        Assert.Equal([new SampleClassCount("cat", 4, 20), new SampleClassCount("dog", 4, 10)], counts);
        Assert.Equal(4, dogs.Count);
        Assert.True(dogs.Zip(dogs.Skip(1)).All(p => p.First.CreatedAt >= p.Second.CreatedAt));
        Assert.Equal([1, 2], dogs[0].Image!);
        Assert.Equal(2, page.Count);
        Assert.All(page, s => Assert.True(s.CreatedAt < dogs[1].CreatedAt));
    }

    private static ReadOnlyMemory<byte> Json(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Label_NewClassPastMaxClasses_TooManyClassesWithTheKey_NothingStored()
    {
        await _store.DisposeAsync();
        _store = await SqliteSampleStore.OpenAsync(new StorageOptions { Path = _path }, maxClasses: 2, seed: 1);
        _recent.Record("r1", _time.GetUtcNow(), [1f, 2f, 3f], "resnet18");
        var intake = Intake();
        Assert.True((await intake.LabelAsync("r1", "cat", "mqtt", default)).Ok);
        Assert.True((await intake.LabelAsync("r1", "dog", "mqtt", default)).Ok);

        var outcome = await intake.LabelAsync("r1", "bird", "mqtt", default);

        Assert.False(outcome.Ok);
        Assert.Equal("too_many_classes", outcome.ErrorCode);
        Assert.Contains("EdgeNode__Learning__MaxClasses", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["cat", "dog"], (await _store.CountByClassAsync(default)).Select(c => c.Label));
        Assert.Equal(2, (await _store.ListAsync(new SampleQuery(), default)).Count);
        // A known class is still taken.
        Assert.True((await intake.LabelAsync("r1", "cat", "mqtt", default)).Ok);
    }

    private LabelIntake Intake(double perMinute = 600, int burst = 100) =>
        new(_store, _recent, new LabelRateLimiter(_time, perMinute, burst), _time, maxLabelLength: 64, capacityPerClass: 100);
}
