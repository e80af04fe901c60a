using System.Collections.Concurrent;
using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// Reads every sensor at its own period on its own loop and hands the readings to a callback. A sensor
/// that fails is logged, counted in <see cref="GetStatus"/> and retried with exponential back-off; it never
/// delays or stops the others.
/// </summary>
public sealed class SensorPoller
{
    private readonly IReadOnlyList<ISensor> _sensors;
    private readonly Func<IReadOnlyList<SensorReading>, CancellationToken, ValueTask> _onReadings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SensorPoller> _logger;
    private readonly Backoff _retry;
    private readonly ConcurrentDictionary<string, SensorStatus> _status = new(StringComparer.Ordinal);

    /// <summary>Creates the poller.</summary>
    /// <param name="sensors">The sensors (see <see cref="SensorFactory.CreateAll"/>).</param>
    /// <param name="onReadings">Receives each successful read (store, publish); its failures are logged, not retried.</param>
    /// <param name="timeProvider">Clock for periods and back-off.</param>
    /// <param name="logger">Logger for failures and recoveries.</param>
    /// <param name="retry">Back-off after failures; default 1 s doubling to 5 min.</param>
    public SensorPoller(
        IReadOnlyList<ISensor> sensors,
        Func<IReadOnlyList<SensorReading>, CancellationToken, ValueTask> onReadings,
        TimeProvider timeProvider,
        ILogger<SensorPoller> logger,
        Backoff? retry = null)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(onReadings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _sensors = sensors;
        _onReadings = onReadings;
        _timeProvider = timeProvider;
        _logger = logger;
        _retry = retry ?? new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        foreach (var sensor in sensors)
        {
            _status[sensor.Name] = new SensorStatus(sensor.Name, 0, 0, 0, null, null);
        }
    }

    /// <summary>A snapshot of every sensor's health.</summary>
    public IReadOnlyList<SensorStatus> GetStatus() => [.. _sensors.Select(s => _status[s.Name])];

    /// <summary>Polls until <paramref name="cancellationToken"/> fires; then returns normally.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Drivers block (I2C transfers, DHT bit timing): each sensor gets a thread-pool loop of its own.
        var loops = _sensors.Select(s => Task.Run(() => PollAsync(s, cancellationToken), CancellationToken.None));
        await Task.WhenAll(loops);
    }

    private async Task PollAsync(ISensor sensor, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = _timeProvider.GetTimestamp();
            TimeSpan wait;
            IReadOnlyList<SensorReading>? readings = null;
            try
            {
                readings = await sensor.ReadAsync(cancellationToken);
                if (failures > 0)
                {
                    Log.SensorRecovered(_logger, sensor.Name, failures);
                }

                failures = 0;
                var previous = _status[sensor.Name];
                _status[sensor.Name] = previous with { Reads = previous.Reads + 1, ConsecutiveFailures = 0, LastSuccess = _timeProvider.GetUtcNow() };
                wait = sensor.Period - _timeProvider.GetElapsedTime(started);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Any driver failure (IOException, TimeoutException, ArgumentException from a bad answer…) is reported and retried.
                failures++;
                wait = _retry.DelayFor(failures);
                var previous = _status[sensor.Name];
                _status[sensor.Name] = previous with { Failures = previous.Failures + 1, ConsecutiveFailures = failures, LastError = ex.Message };
                Log.SensorReadFailed(_logger, ex, sensor.Name, failures, wait);
            }

            if (readings is not null)
            {
                await DeliverAsync(sensor, readings, cancellationToken);
            }

            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _timeProvider, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task DeliverAsync(ISensor sensor, IReadOnlyList<SensorReading> readings, CancellationToken cancellationToken)
    {
        try
        {
            await _onReadings(readings, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            // The handler's failure must not stop polling; the host's store/publisher has its own retries.
            Log.SensorHandlerFailed(_logger, ex, sensor.Name);
        }
    }
}
