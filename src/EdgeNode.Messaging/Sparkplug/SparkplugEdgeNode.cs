using EdgeNode.Core;

namespace EdgeNode.Messaging.Sparkplug;

/// <summary>
/// A Sparkplug B edge node over the node's bus: NBIRTH with every metric by name and alias (and <c>bdSeq</c>,
/// <c>Node Control/Rebirth</c>), NDATA with only the metrics that changed since the last birth or data message, by
/// alias, and NCMD parsing. Births, data and the start of a new connection are serialised, so <c>seq</c> runs
/// 0, 1, 2… in publish order and no NDATA goes out on a connection before its NBIRTH.
/// </summary>
public sealed class SparkplugEdgeNode
{
    /// <summary>The metric a host writes true to ask for a new NBIRTH.</summary>
    public const string RebirthMetric = "Node Control/Rebirth";

    /// <summary>Alias of <see cref="RebirthMetric"/>.</summary>
    public const ulong RebirthAlias = 1;

    private readonly IMessageBus _bus;
    private readonly SparkplugSession _session;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, SparkplugMetricDefinition> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, SparkplugMetricDefinition> _byAlias = [];
    private readonly Dictionary<string, object?> _sent = new(StringComparer.Ordinal);
    private long _bornOn = -1;
    private bool _closed;

    /// <summary>
    /// Creates the edge node for <paramref name="metrics"/> (names and aliases unique; alias 1 and the names
    /// <c>bdSeq</c> and <c>Node Control/Rebirth</c> are reserved and added here).
    /// </summary>
    public SparkplugEdgeNode(IMessageBus bus, SparkplugSession session, IEnumerable<SparkplugMetricDefinition> metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _bus = bus ?? throw new ArgumentNullException(nameof(bus));
        _session = session ?? throw new ArgumentNullException(nameof(session));
        _time = time;
        var all = new List<SparkplugMetricDefinition> { new(RebirthMetric, RebirthAlias, SparkplugDataType.Boolean) };
        foreach (var metric in metrics)
        {
            if (metric.Name == SparkplugSession.BdSeqMetric || metric.DataType == SparkplugDataType.Unknown)
            {
                throw new ArgumentException($"Metric '{metric.Name}': the name bdSeq is reserved and a data type is required.", nameof(metrics));
            }

            all.Add(metric);
        }

        foreach (var metric in all)
        {
            if (!_byName.TryAdd(metric.Name, metric) || !_byAlias.TryAdd(metric.Alias, metric))
            {
                throw new ArgumentException($"Metric '{metric.Name}' (alias {metric.Alias}): names and aliases must be unique.", nameof(metrics));
            }
        }

        Metrics = all;
    }

    /// <summary>Every metric of the NBIRTH after <c>bdSeq</c>, in order, <see cref="RebirthMetric"/> first.</summary>
    public IReadOnlyList<SparkplugMetricDefinition> Metrics { get; }

    /// <summary>The edge node's topics.</summary>
    public SparkplugTopics Topics => _session.Topics;

    /// <summary>True after <see cref="CloseAsync"/>.</summary>
    public bool IsClosed => Volatile.Read(ref _closed);

    /// <summary>
    /// Ends the edge node before a clean stop: waits for a birth or data message in flight, then publishes none
    /// again, so nothing follows the NDEATH the bus sends before it disconnects.
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        await _session.Gate.WaitAsync(cancellationToken);
        Volatile.Write(ref _closed, true);
        _session.Gate.Release();
    }

    /// <summary>
    /// Publishes the NBIRTH (QoS 0, not retained, <c>seq</c> 0, the connection's <c>bdSeq</c>) with
    /// <paramref name="values"/> by metric name (missing ones are sent as null). Call on every connect and rebirth;
    /// nothing is published after <see cref="CloseAsync"/>.
    /// </summary>
    public async Task PublishBirthAsync(IReadOnlyDictionary<string, object?> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckNames(values);
        await _session.Gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed)
            {
                return;
            }

            var bdSeq = _session.BdSeq ?? throw new InvalidOperationException("No Sparkplug session: the bus was not given the session's will.");
            var now = _time.GetUtcNow();
            var metrics = new List<SparkplugMetric>(Metrics.Count + 1) { new(SparkplugSession.BdSeqMetric, null, SparkplugDataType.Int64, bdSeq) };
            var sent = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var definition in Metrics)
            {
                var value = definition.Name == RebirthMetric ? false : values.GetValueOrDefault(definition.Name);
                sent[definition.Name] = value;
                metrics.Add(new SparkplugMetric(definition.Name, definition.Alias, definition.DataType, value) { Timestamp = now, Unit = definition.Unit });
            }

            var payload = SparkplugCodec.Encode(new SparkplugPayload(now, _session.BirthSeq(), metrics));
            _bornOn = -1;
            await _bus.PublishAsync(new BusMessage(Topics.NBirth, payload, 0), cancellationToken);
            _bornOn = _session.Connection;
            _sent.Clear();
            foreach (var (name, value) in sent)
            {
                _sent[name] = value;
            }
        }
        finally
        {
            _session.Gate.Release();
        }
    }

    /// <summary>
    /// Publishes an NDATA (QoS 0, not retained, next <c>seq</c>) with the metrics of <paramref name="values"/> that
    /// changed since the last NBIRTH or NDATA, by alias only. Returns false, publishing nothing, when none changed or
    /// no NBIRTH was published on the current connection, or after <see cref="CloseAsync"/>.
    /// </summary>
    public async Task<bool> PublishDataAsync(IReadOnlyDictionary<string, object?> values, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckNames(values);
        await _session.Gate.WaitAsync(cancellationToken);
        try
        {
            if (_closed || _bornOn != _session.Connection)
            {
                return false;
            }

            var now = _time.GetUtcNow();
            var changed = new List<SparkplugMetric>();
            foreach (var (name, value) in values)
            {
                if (name != RebirthMetric && !Equals(_sent.GetValueOrDefault(name), value))
                {
                    var definition = _byName[name];
                    changed.Add(new SparkplugMetric(null, definition.Alias, definition.DataType, value) { Timestamp = now });
                }
            }

            if (changed.Count == 0)
            {
                return false;
            }

            // Encoded before the seq is taken: a value that does not fit its type costs no gap in seq.
            var payload = new SparkplugPayload(now, 0, changed);
            SparkplugCodec.Encode(payload);
            var bytes = SparkplugCodec.Encode(payload with { Seq = _session.NextSeq() });

            // A failed publish leaves _sent as it was, so the change goes out with the next NDATA; the seq gap it
            // leaves is how a host notices and asks for a rebirth.
            await _bus.PublishAsync(new BusMessage(Topics.NData, bytes, 0), cancellationToken);
            foreach (var metric in changed)
            {
                _sent[_byAlias[metric.Alias!.Value].Name] = metric.Value;
            }

            return true;
        }
        finally
        {
            _session.Gate.Release();
        }
    }

    /// <summary>
    /// Reads an NCMD payload: <see cref="SparkplugCommand.Rebirth"/> when it writes <c>Node Control/Rebirth</c>
    /// (by name or alias) = true; every other metric, and a payload that is not Sparkplug B, is listed as ignored.
    /// Never throws for any input.
    /// </summary>
    public SparkplugCommand ParseCommand(ReadOnlySpan<byte> payload)
    {
        SparkplugPayload decoded;
        try
        {
            decoded = SparkplugCodec.Decode(payload);
        }
        catch (InvalidDataException ex)
        {
            return new SparkplugCommand(false, [ex.Message]);
        }

        var rebirth = false;
        var ignored = new List<string>();
        if (decoded.Metrics.Count == 0)
        {
            ignored.Add("The NCMD has no metrics.");
        }

        foreach (var metric in decoded.Metrics)
        {
            var definition = metric.Name is not null ? _byName.GetValueOrDefault(metric.Name) : metric.Alias is { } alias ? _byAlias.GetValueOrDefault(alias) : null;
            var what = metric.Name ?? (metric.Alias is { } a ? "alias " + a : "a metric without name or alias");
            if (definition is null)
            {
                ignored.Add($"Unknown metric {what}.");
            }
            else if (definition.Name != RebirthMetric)
            {
                ignored.Add($"Metric {definition.Name} is read-only.");
            }
            else if (metric.Value is bool value)
            {
                rebirth |= value;
            }
            else
            {
                ignored.Add($"{RebirthMetric} takes a Boolean, not {metric.DataType} {metric.Value ?? "null"}.");
            }
        }

        return new SparkplugCommand(rebirth, ignored);
    }

    private void CheckNames(IReadOnlyDictionary<string, object?> values)
    {
        foreach (var name in values.Keys)
        {
            if (!_byName.ContainsKey(name))
            {
                throw new ArgumentException($"'{name}' is not a metric of this edge node.", nameof(values));
            }
        }
    }
}
