using EdgeNode.Devices.Sensors;
using EdgeNode.Outbox;
using EdgeNode.Telemetry;

namespace EdgeNode.Devices;

/// <summary>
/// Polls the configured sensors (<c>EdgeNode:Sensors</c>; default one simulated temperature/humidity sensor
/// every 5 s). Each read is committed to SQLite and published on <c>{prefix}/{node}/sensors/{name}</c> through
/// the outbox; a failing sensor is retried with back-off and never stops the others.
/// </summary>
internal sealed class SensorService : BackgroundService
{
    private readonly SensorPoller _poller;
    private readonly MessageWriter _writer;
    private readonly LiveValues _live;
    private long _seq;

    public SensorService(IReadOnlyList<ISensor> sensors, MessageWriter writer, LiveValues live, TimeProvider time, ILogger<SensorPoller> logger)
    {
        _live = live;
        _writer = writer;
        _poller = new SensorPoller(sensors, StoreAsync, time, logger);
    }

    /// <summary>Per-sensor health, for telemetry.</summary>
    public IReadOnlyList<SensorStatus> Status => _poller.GetStatus();

    /// <summary>Commits the readings of one poll (called by the poller).</summary>
    public async ValueTask StoreAsync(IReadOnlyList<SensorReading> readings, CancellationToken cancellationToken)
    {
        if (readings.Count == 0)
        {
            return;
        }

        if (Interlocked.Read(ref _seq) == 0)
        {
            Interlocked.CompareExchange(ref _seq, await _writer.LastSequenceAsync(MessageKind.Sensor, cancellationToken), 0);
        }

        var messages = readings.GroupBy(r => r.Sensor).Select(group =>
        {
            var seq = Interlocked.Increment(ref _seq);
            var list = group.ToList();
            return _writer.Create(MessageKind.Sensor, _writer.Topics.Sensor(group.Key), list[0].Timestamp, seq, list, SensorJson.WriteBody);
        }).ToList();
        await _writer.AppendAsync(messages);
        _live.Report(readings);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _poller.RunAsync(stoppingToken);
}
