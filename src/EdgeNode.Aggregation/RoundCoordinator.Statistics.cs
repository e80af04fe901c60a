using EdgeNode.Learning;
using EdgeNode.Learning.Discriminant;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Aggregation;

/// <summary>
/// The statistics round (issue 15): each node's discriminant statistics, screened by <see cref="StatisticsRound"/> (NaN/±∞,
/// dimension, consistency: rejected with nothing changed), bounded to <see cref="AggregatorOptions.MaxNodeSamples"/>,
/// persisted and replay-checked like any update, then summed exactly; the next global head is their discriminant. A site
/// forwards the sum itself (float64), so the parent's sum is the sum over every site's nodes.
/// </summary>
public sealed partial class RoundCoordinator
{
    // Updates in the round when its sum last could not be fitted: it is tried again with more, or at the deadline.
    private int _unfitAt = -1;

    private StatisticsRound NewStatisticsRound(long round) => new(_keys, new StatisticsRoundOptions
    {
        Dimension = _head.InputSize,
        Round = round,
        MaxSamplesPerNode = _options.MaxNodeSamples,
    });

    private void ResumeStatistics(byte[] message)
    {
        var (statistics, node, reason) = _statistics!.Check(message);
        if (statistics is null)
        {
            Log.StoredUpdateDropped(_logger, reason ?? "rejected");
            return;
        }

        Take(node, statistics);
    }

    private async Task<(UpdateOutcome Outcome, string? Reason)> OfferStatisticsAsync(byte[] message, string? topicNode, CancellationToken cancellationToken)
    {
        var round = _statistics!;
        var (statistics, node, reason) = round.Check(message);
        if (statistics is null)
        {
            return (UpdateOutcome.Rejected, reason);
        }

        if (topicNode is not null && topicNode != node)
        {
            return (UpdateOutcome.Rejected, $"sent on the topic of '{topicNode}' but signed as '{node}'");
        }

        if (round.Contains(node))
        {
            return (UpdateOutcome.Duplicate, null);
        }

        // Check has made sure the update names the open round.
        if (_replays.Refusal(node, Current.Round, Current.Round) is { } replay)
        {
            return (UpdateOutcome.Rejected, replay);
        }

        if (!await _store.TrySaveUpdateAsync(Current.Round, node, message, cancellationToken))
        {
            return (UpdateOutcome.Duplicate, null);
        }

        await _replays.RecordAsync(node, Current.Round, cancellationToken);
        Take(node, statistics);
        return (UpdateOutcome.Accepted, null);
    }

    private void Take(string node, DiscriminantStatistics statistics)
    {
        lock (_round)
        {
            var (verdict, reason) = _statistics!.Take(node, statistics);
            if (verdict == StatisticsVerdict.Bounded)
            {
                Log.StatisticsBounded(_logger, node, reason!);
            }
        }
    }

    private async Task<RoundClose?> CloseStatisticsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var round = _statistics!;
        var nodes = round.Nodes;
        if (nodes.Count <= _unfitAt && now < Current.Deadline)
        {
            return null;
        }

        // In the fleet head's class order, so the discriminant's outputs keep it.
        var total = round.Close(_head.Classes);
        var result = new AggregationResult([], nodes, [], (long)Math.Ceiling(total.Count));
        if (_siteSigner is not null)
        {
            _forwarded = true;
            return new RoundClose(null, StatisticsContribution.Write(_options.InstanceId, Current.Round, Current.Version, total, _siteSigner, StatisticsPrecision.Exact), result);
        }

        HeadModel head;
        DiscriminantReport report;
        try
        {
            head = LinearDiscriminant.Fit(total, out report);
        }
        catch (ArgumentException ex)
        {
            // Screened statistics fit; should a sum still not, the round stays open (nothing is lost) rather than the host failing.
            _unfitAt = nodes.Count;
            Current = Current with { Deadline = now.AddSeconds(_options.RoundSeconds) };
            await _store.SaveGlobalAsync(Current.ToBytes(), cancellationToken);
            Log.StatisticsUnfit(_logger, Current.Round, nodes.Count, ex.Message);
            return new RoundClose(Current, null, null);
        }

        _unfitAt = -1;
        var next = GlobalHead.Create(head, Current.Version + 1, Current.Round + 1, now.AddSeconds(_options.RoundSeconds), _options.ToTrainingConfig());
        await _store.SaveGlobalAsync(next.ToBytes(), cancellationToken);
        _store.DeleteRoundsBefore(next.Round);
        Adopt(next);
        Log.StatisticsRoundClosed(_logger, next.Round - 1, nodes.Count, total.Count, report.Shrinkage, next.Version);
        return new RoundClose(next, null, result);
    }
}
