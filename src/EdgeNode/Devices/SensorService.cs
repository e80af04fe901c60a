using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Devices.Sensors;
using EdgeNode.Hosting;
using EdgeNode.Outbox;
using EdgeNode.Pipeline;
using EdgeNode.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices;

/// <summary>
/// Polls the configured sensors (<c>EdgeNode:Sensors</c>; default one simulated temperature/humidity sensor
/// every 5 s). Each read is committed to SQLite and published on <c>{prefix}/{node}/sensors/{name}</c> through
/// the outbox; a failing sensor is retried with back-off and never stops the others.
/// </summary>
internal sealed class SensorService : BackgroundService
{
    private readonly SensorPoller _poller;
    private readonly IOutboxStore _store;
    private readonly OutboxSignal _signal;
    private readonly NodeIdentity _identity;
    private readonly TimeProvider _time;
    private readonly LiveValues _live;
    private long _seq;

    public SensorService(IReadOnlyList<ISensor> sensors, IOutboxStore store, OutboxSignal signal, NodeIdentity identity, LiveValues live, TimeProvider time, ILogger<SensorPoller> logger)
    {
        _live = live;
        _store = store;
        _signal = signal;
        _identity = identity;
        _time = time;
        _poller = new SensorPoller(sensors, StoreAsync, time, logger);
    }

    /// <summary>Per-sensor health, for telemetry.</summary>
    public IReadOnlyList<SensorStatus> Status => _poller.GetStatus();

    /// <summary>Serialises one sensor's readings.</summary>
    public static byte[] Serialize(string id, long seq, string nodeId, IReadOnlyList<SensorReading> readings)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteString("ts", ResultJson.FormatTimestamp(readings[0].Timestamp));
            w.WriteNumber("seq", seq);
            w.WriteString("node", nodeId);
            w.WriteString("sensor", readings[0].Sensor);
            w.WriteStartObject("values");
            foreach (var r in readings)
            {
                w.WriteStartObject(r.Quantity);
                w.WriteNumber("value", Math.Round(r.Value, 3));
                w.WriteString("unit", r.Unit);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Commits the readings of one poll (called by the poller).</summary>
    public async ValueTask StoreAsync(IReadOnlyList<SensorReading> readings, CancellationToken cancellationToken)
    {
        if (readings.Count == 0)
        {
            return;
        }

        if (Interlocked.Read(ref _seq) == 0)
        {
            Interlocked.CompareExchange(ref _seq, await _store.GetLastSequenceAsync(MessageKind.Sensor, cancellationToken), 0);
        }

        var messages = readings.GroupBy(r => r.Sensor).Select(group =>
        {
            var seq = Interlocked.Increment(ref _seq);
            var id = Guid.CreateVersion7(_time.GetUtcNow()).ToString("N");
            var list = group.ToList();
            return new PendingMessage(id, MessageKind.Sensor, _identity.Topics.Sensor(group.Key), Serialize(id, seq, _identity.NodeId, list), list[0].Timestamp, seq);
        }).ToList();
        await _store.AppendAsync(messages, CancellationToken.None);
        _signal.Set();
        _live.Report(readings);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _poller.RunAsync(stoppingToken);
}
