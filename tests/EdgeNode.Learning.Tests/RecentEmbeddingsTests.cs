namespace EdgeNode.Learning.Tests;

/// <summary>The ring of recent results' embeddings reuses its arrays; what <see cref="RecentEmbeddings.Find"/> hands out never changes.</summary>
public sealed class RecentEmbeddingsTests
{
    [Fact]
    public void Record_ReusesTheOldestSlot_AnEntryFoundEarlierKeepsItsValues_TheForgottenOneIsGone()
    {
        var ring = new RecentEmbeddings(2, TimeSpan.FromMinutes(1));
        ring.Record("a", DateTimeOffset.UnixEpoch, [1, 1, 1], "m");
        ring.Record("b", DateTimeOffset.UnixEpoch, [2, 2, 2], "m");
        var a = ring.Find("a")!;

        ring.Record("c", DateTimeOffset.UnixEpoch, [3, 3, 3], "m"); // takes a's slot and its array
        ring.Record("d", DateTimeOffset.UnixEpoch, [4, 4, 4, 4], "m"); // another size: a new array

        Assert.Equal([1f, 1f, 1f], a.Embedding);
        Assert.Null(ring.Find("a"));
        Assert.Null(ring.Find("b"));
        Assert.Equal([3f, 3f, 3f], ring.Find("c")!.Embedding);
        Assert.Equal([4f, 4f, 4f, 4f], ring.Find("last")!.Embedding);
        var c = ring.Find("c")!;
        c.Embedding[0] = 99; // the caller's copy, not the ring's
        Assert.Equal(3f, ring.Find("c")!.Embedding[0]);
    }
}
