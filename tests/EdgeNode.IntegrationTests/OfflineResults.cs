using System.Text.Json;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>What a subscriber saw of a node's results and telemetry, and the checks the offline guarantees need.</summary>
internal static class OfflineResults
{
    public static List<(string Id, long Seq)> Results(IEnumerable<ReceivedMessage> messages) =>
        [.. messages.Where(m => m.Topic.EndsWith("/results", StringComparison.Ordinal)).Select(m =>
        {
            var json = JsonDocument.Parse(m.Payload).RootElement;
            return (json.GetProperty("id").GetString()!, json.GetProperty("seq").GetInt64());
        })];

    public static IEnumerable<JsonElement> Telemetry(IEnumerable<ReceivedMessage> messages) =>
        messages.Where(m => m.Topic.EndsWith("/telemetry", StringComparison.Ordinal)).Select(m => JsonDocument.Parse(m.Payload).RootElement);

    /// <summary>True once a telemetry message reports an empty outbox.</summary>
    public static bool DepthZero(IEnumerable<ReceivedMessage> messages) =>
        Telemetry(messages).Any(t => t.GetProperty("outboxDepth").GetInt64() == 0);

    /// <summary>First occurrence of each id, in arrival order (consumer-side de-duplication).</summary>
    public static List<(string Id, long Seq)> Deduplicate(IEnumerable<(string Id, long Seq)> received)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return [.. received.Where(r => seen.Add(r.Id))];
    }

    /// <summary>
    /// How many ascending chains the arrival order needs at least (greedy cover): 1 is strict FIFO; the
    /// publisher's backlog lane beside its live lane gives 2.
    /// </summary>
    public static int AscendingChains(IEnumerable<long> seqs)
    {
        var tails = new List<long>();
        foreach (var seq in seqs)
        {
            var best = -1;
            for (var i = 0; i < tails.Count; i++)
            {
                if (tails[i] < seq && (best < 0 || tails[i] > tails[best]))
                {
                    best = i;
                }
            }

            if (best < 0)
            {
                tails.Add(seq);
            }
            else
            {
                tails[best] = seq;
            }
        }

        return tails.Count;
    }

    public static void AssertNoGaps(IEnumerable<long> seqs)
    {
        var sorted = seqs.Order().ToList();
        Assert.NotEmpty(sorted);
        Assert.Equal(Enumerable.Range(1, sorted.Count).Select(i => (long)i), sorted);
    }
}
