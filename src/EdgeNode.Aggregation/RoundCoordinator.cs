using EdgeNode.Common;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Aggregation;

/// <summary>
/// The round state machine: verifies and persists updates, counts each node once per round, closes the round at
/// the minimum count or the deadline, and produces the next global head (or, for a site, the partial aggregate
/// to forward). A statistics round (<c>config.statistics</c>) sums discriminant statistics instead and publishes their
/// discriminant (<c>RoundCoordinator.Statistics.cs</c>). Thread-safe; transport-free.
/// </summary>
public sealed partial class RoundCoordinator : IDisposable
{
    private readonly AggregatorOptions _options;
    private readonly AggregationOptions _aggregation;
    private readonly RoundStore _store;
    private readonly EcdsaKeyRing _keys;
    private readonly EcdsaSigner? _siteSigner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ContributedDelta> _round = new(StringComparer.Ordinal);
    private readonly Random _noise = new();
    private ReplayGuard _replays = null!;
    private readonly DynamicRegularizer _dynamic = new();
    private HeadModel _head = null!;
    private int[] _layout = [];
    private bool _forwarded;
    private StatisticsRound? _statistics;

    /// <summary>Creates the coordinator; call <see cref="InitializeAsync"/> before use.</summary>
    public RoundCoordinator(AggregatorOptions options, EcdsaKeyRing keys, EcdsaSigner? siteSigner, TimeProvider time, ILogger<RoundCoordinator> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _aggregation = options.ToAggregation();
        _aggregation.Validate();
        _store = new RoundStore(options.StatePath);
        _keys = keys;
        _siteSigner = siteSigner;
        _time = time;
        _logger = logger;
    }

    /// <summary>The global head now in force.</summary>
    public GlobalHead Current { get; private set; } = null!;

    /// <summary>Updates accepted in the open round.</summary>
    public int Accepted
    {
        get
        {
            lock (_round)
            {
                return _statistics?.Count ?? _round.Count;
            }
        }
    }

    /// <summary>(ε, δ=1e-5) of client-level DP spent so far (rounds with DP noise, full participation); 0 without DP.</summary>
    public double DpEpsilon { get; private set; }

    /// <summary>Loads the persisted global and the open round's updates, or starts version 0 from the initial head.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var saved = _store.LoadGlobal();
        if (saved is not null)
        {
            Current = GlobalHead.Parse(saved);
        }
        else
        {
            var head = HeadSerializer.Deserialize(await File.ReadAllBytesAsync(_options.InitialHeadPath, cancellationToken)).Head;
            var config = _options.ToTrainingConfig() with { Statistics = _options.StatisticsRound };
            Current = GlobalHead.Create(head, 0, 1, _time.GetUtcNow().AddSeconds(_options.RoundSeconds), config);
            await _store.SaveGlobalAsync(Current.ToBytes(), cancellationToken);
        }

        Adopt(Current);
        _replays = new ReplayGuard(_store);
        foreach (var message in _store.LoadUpdates(Current.Round))
        {
            if (_statistics is not null)
            {
                ResumeStatistics(message);
                continue;
            }

            var (outcome, reason) = UpdateScreen.Check(message, _keys, Current, _head, _layout, _options, out var delta, out _);
            if (outcome == UpdateOutcome.Accepted)
            {
                _round[delta!.NodeId] = delta;
            }
            else
            {
                Log.StoredUpdateDropped(_logger, reason ?? outcome.ToString());
            }
        }

        UpdateEpsilon();
        Log.Resumed(_logger, Current.Version, Current.Round, _round.Count);
    }

    /// <summary>
    /// Verifies <paramref name="message"/> (a whole update, from <c>…/fl/updates/{topicNode}</c>: its signed node id must
    /// be that one) and, when it is good and new (<see cref="ReplayGuard"/>), persists it before returning.
    /// </summary>
    public async Task<(UpdateOutcome Outcome, string? Reason)> OfferAsync(byte[] message, string? topicNode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_statistics is not null)
            {
                return await OfferStatisticsAsync(message, topicNode, cancellationToken);
            }

            var (outcome, reason) = UpdateScreen.Check(message, _keys, Current, _head, _layout, _options, out var delta, out var round);
            if (outcome != UpdateOutcome.Accepted)
            {
                return (outcome, reason);
            }

            if (topicNode is not null && topicNode != delta!.NodeId)
            {
                return (UpdateOutcome.Rejected, $"sent on the topic of '{topicNode}' but signed as '{delta.NodeId}'");
            }

            if (_round.ContainsKey(delta!.NodeId))
            {
                return (UpdateOutcome.Duplicate, null);
            }

            if (_replays.Refusal(delta.NodeId, round, Current.Round) is { } replay)
            {
                return (UpdateOutcome.Rejected, replay);
            }

            if (!await _store.TrySaveUpdateAsync(Current.Round, delta.NodeId, message, cancellationToken))
            {
                return (UpdateOutcome.Duplicate, null);
            }

            await _replays.RecordAsync(delta.NodeId, round, cancellationToken);

            lock (_round)
            {
                _round[delta.NodeId] = delta;
            }

            return (UpdateOutcome.Accepted, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the round when it has the minimum count or its deadline passed; null when not due.</summary>
    public async Task<RoundClose?> CloseIfDueAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var count = _statistics?.Count ?? _round.Count;
            var due = count >= _options.MinUpdates || now >= Current.Deadline;
            if (!due || _forwarded)
            {
                return null;
            }

            if (count == 0)
            {
                // Nothing arrived: keep the head, move the deadline.
                Current = Current with { Deadline = now.AddSeconds(_options.RoundSeconds) };
                await _store.SaveGlobalAsync(Current.ToBytes(), cancellationToken);
                return new RoundClose(Current, null, null);
            }

            if (_statistics is not null)
            {
                return await CloseStatisticsAsync(now, cancellationToken);
            }

            var result = RobustAggregator.Aggregate([.. _round.Values], Current.Version, _aggregation, _noise);
            foreach (var (node, reason) in result.Rejected)
            {
                Log.UpdateRejectedAtClose(_logger, node, reason);
            }

            if (_siteSigner is not null)
            {
                _forwarded = true;
                var update = new HeadUpdate(_options.InstanceId, Current.Round, Current.Version, (int)Math.Min(int.MaxValue, result.TotalSamples), 0, DeltaCodec.Dense, result.Delta.Length, DeltaEncoder.Encode(result.Delta, _layout, new CodecSettings(DeltaCodec.Dense), []))
                {
                    Validation = SiteScore(),
                };
                return new RoundClose(null, HeadUpdateWire.Write(update, _siteSigner), result);
            }

            if (result.Used.Count > 0)
            {
                if (_options.Dynamic > 0)
                {
                    _dynamic.Correct(result.Delta, _options.Dynamic);
                }

                HeadDelta.Apply(_head, result.Delta);
            }

            var next = GlobalHead.Create(_head, Current.Version + 1, Current.Round + 1, now.AddSeconds(_options.RoundSeconds), _options.ToTrainingConfig());
            if (next.Config.Gate)
            {
                var (fleetHead, fleetVersion) = Gate();
                next = next.WithFleetHead(fleetHead, fleetVersion);
            }

            // The new global is durable before the old round's updates go.
            await _store.SaveGlobalAsync(next.ToBytes(), cancellationToken);
            _store.DeleteRoundsBefore(next.Round);
            Adopt(next);
            UpdateEpsilon();
            Log.RoundClosed(_logger, next.Round - 1, result.Used.Count, result.Rejected.Count, next.Version);
            return new RoundClose(next, null, result);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Hierarchy: takes the parent's newer global head as this site's; returns false when it is not newer.</summary>
    public async Task<bool> FollowParentAsync(GlobalHead parent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parent);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (parent.Version < Current.Version || (parent.Version == Current.Version && parent.Sha256 == Current.Sha256))
            {
                return false;
            }

            // The same version (the site's own start head replaced by the parent's) keeps the updates already taken.
            var keep = parent.Version == Current.Version;
            await _store.SaveGlobalAsync(parent.ToBytes(), cancellationToken);
            _store.DeleteRoundsBefore(parent.Round);
            Adopt(parent, keep);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private void Adopt(GlobalHead global, bool keepRound = false)
    {
        Current = global;
        _head = global.ReadHead();
        _layout = TensorLayout.Of(_head);
        if (keepRound && (_statistics is not null) == global.Config.Statistics)
        {
            return;
        }

        _forwarded = false;
        _statistics = global.Config.Statistics ? NewStatisticsRound(global.Round) : null;
        _unfitAt = -1;
        lock (_round)
        {
            _round.Clear();
        }
    }

    private void UpdateEpsilon()
    {
        if (_options.DpNoiseMultiplier > 0 && Current.Version > 0)
        {
            var accountant = new RdpAccountant();
            accountant.Compose(_options.DpNoiseMultiplier, 1.0, Current.Version);
            DpEpsilon = accountant.Epsilon(1e-5);
        }
    }
}
