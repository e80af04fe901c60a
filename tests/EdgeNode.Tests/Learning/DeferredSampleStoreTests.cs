using EdgeNode.Core;
using EdgeNode.Learning;
using EdgeNode.Storage;
using EdgeNode.Testing;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Learning;

/// <summary>The sample store opens at its hosted service's start, not in a DI factory; early calls wait, a failed open fails both.</summary>
public sealed class DeferredSampleStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task AddAsync_BeforeStart_WaitsForTheOpeningAndStoresTheSample()
    {
        await using var store = new DeferredSampleStore(Options.Create(new StorageOptions { Path = _dir.File("edgenode.db") }), Options.Create(new LearningOptions()));
        var sample = new NewSample("cat", "mqtt", "resnet18-int8", new float[] { 1, 2, 3 }, DateTimeOffset.UnixEpoch);

        var early = store.AddAsync(sample, 10, CancellationToken.None).AsTask();
        Assert.False(early.IsCompleted, "a call before the start did not wait for the opening");
        await store.StartAsync(CancellationToken.None);

        Assert.True((await early).Stored);
        var counted = Assert.Single(await store.CountByClassAsync(CancellationToken.None));
        Assert.Equal(("cat", 1L), (counted.Label, counted.Held));
    }

    [Fact]
    public async Task AddAsync_NewClassPastLearningMaxClasses_RefusedWithTooManyClasses_NothingStored()
    {
        await using var store = new DeferredSampleStore(Options.Create(new StorageOptions { Path = _dir.File("edgenode.db") }), Options.Create(new LearningOptions { MaxClasses = 1 }));
        await store.StartAsync(CancellationToken.None);
        await store.AddAsync(new NewSample("cat", "mqtt", "resnet18-int8", new float[] { 1, 2, 3 }, DateTimeOffset.UnixEpoch), 10, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<SampleRefusedException>(async () => await store.AddAsync(new NewSample("dog", "mqtt", "resnet18-int8", new float[] { 1, 2, 3 }, DateTimeOffset.UnixEpoch), 10, CancellationToken.None));

        Assert.Equal("too_many_classes", refused.Code);
        Assert.Equal(["cat"], (await store.CountByClassAsync(CancellationToken.None)).Select(c => c.Label));
    }

    [Fact]
    public async Task StartAsync_DatabaseUnderAFile_FailsAndWaitingCallsFailWithTheSameErrorCreatingNothing()
    {
        var blocker = _dir.File("not-a-directory");
        await File.WriteAllTextAsync(blocker, "x");
        await using var store = new DeferredSampleStore(Options.Create(new StorageOptions { Path = Path.Combine(blocker, "edgenode.db") }), Options.Create(new LearningOptions()));

        var waiting = store.ListAsync(new SampleQuery(), CancellationToken.None).AsTask();
        var error = await Assert.ThrowsAnyAsync<IOException>(() => store.StartAsync(CancellationToken.None));

        Assert.Same(error, await Assert.ThrowsAnyAsync<IOException>(() => waiting));
        Assert.Equal("x", await File.ReadAllTextAsync(blocker));
        Assert.Single(Directory.GetFileSystemEntries(_dir.Path));
    }

    public void Dispose() => _dir.Dispose();
}
