namespace EdgeNode.Aggregation;

/// <summary>
/// The last round each node had an update accepted in, persisted (<c>accepted-rounds.json</c>) before the update is
/// acknowledged: an update of that round or an earlier one is a replay, however validly signed, and a recorded update
/// replayed into a later round cannot take the place of the node's fresh one.
/// </summary>
internal sealed class ReplayGuard(RoundStore store)
{
    private Dictionary<string, long> _rounds = store.LoadAcceptedRounds();

    /// <summary>Why <paramref name="node"/>'s update of <paramref name="round"/> is refused, or null when it is new.</summary>
    public string? Refusal(string node, long round, long openRound)
    {
        var last = _rounds.TryGetValue(node, out var r) ? r : -1;
        return round > openRound || round <= last
            ? $"replay: round {round}; the open round is {openRound}, this node's last accepted round {last}"
            : null;
    }

    /// <summary>Records <paramref name="round"/> as <paramref name="node"/>'s last accepted one (durably).</summary>
    public async Task RecordAsync(string node, long round, CancellationToken cancellationToken)
    {
        var rounds = new Dictionary<string, long>(_rounds, StringComparer.Ordinal) { [node] = round };
        await store.SaveAcceptedRoundsAsync(rounds, cancellationToken);
        _rounds = rounds;
    }
}
