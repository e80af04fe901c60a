using EdgeNode.Learning.Federated;

namespace EdgeNode.Aggregation;

/// <summary>
/// The fleet's validation gate (<see cref="AggregatorOptions.ValidationGate"/>): the round's head (the candidate) becomes the
/// fleet head only when the validation samples the round's nodes scored it on, pooled, favour it over the fleet head (the
/// incumbent). Each node weighs at most <see cref="AggregatorOptions.MaxNodeSamples"/> samples, so forged counts are bounded
/// as a statistics update's are; scores of another base version, or none at all, keep the incumbent. A site forwards its
/// nodes' pooled score with its partial aggregate (the parent bounds the site as one sender).
/// </summary>
public sealed partial class RoundCoordinator
{
    private (ReadOnlyMemory<byte> Head, long Version) Gate()
    {
        var incumbent = Current.FleetHeadBytes.IsEmpty ? (Current.HeadBytes, Current.Version) : (Current.FleetHeadBytes, Current.FleetVersion);
        if (!Current.Config.Gate)
        {
            return incumbent;
        }

        var (total, candidate, kept) = Pool();
        var adopt = total > 0 && candidate > kept;
        var served = adopt ? (Current.HeadBytes, Current.Version) : incumbent;
        Log.GateDecided(_logger, Current.Round, Current.Version, total > 0 ? candidate / total : 0, incumbent.Item2, total > 0 ? kept / total : 0, total, served.Item2);
        return served;
    }

    /// <summary>A site's forwarded score: its nodes' pooled, bounded counts (null without the gate or without scores).</summary>
    private ValidationScore? SiteScore()
    {
        if (!Current.Config.Gate)
        {
            return null;
        }

        var (total, candidate, kept) = Pool();
        return total > 0 ? new ValidationScore((int)Math.Round(total), (int)Math.Round(candidate), (int)Math.Round(kept)) : null;
    }

    private (double Total, double Candidate, double Kept) Pool()
    {
        double total = 0, candidate = 0, kept = 0;
        foreach (var delta in _round.Values)
        {
            if (delta.BaseVersion != Current.Version || delta.Validation is not { Total: > 0 } score)
            {
                continue;
            }

            var weight = Math.Min(1.0, _options.MaxNodeSamples / score.Total);
            total += weight * score.Total;
            candidate += weight * score.CandidateCorrect;
            kept += weight * score.IncumbentCorrect;
        }

        return (total, candidate, kept);
    }
}
