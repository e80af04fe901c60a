using EdgeNode.Core;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// Base of the sensors backed by an Iot.Device.Bindings driver. The driver is created on the first read
/// and thrown away after any failure, so a sensor that was absent or glitched at start-up is picked up
/// again by the next retry. Reads are serialised; the drivers are synchronous and short.
/// </summary>
internal abstract class DriverSensor<TDriver> : ISensor, IDisposable
    where TDriver : class, IDisposable
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private TDriver? _driver;

    protected DriverSensor(string name, TimeSpan period, TimeProvider timeProvider)
    {
        Name = name;
        Period = period;
        _timeProvider = timeProvider;
    }

    public string Name { get; }

    public TimeSpan Period { get; }

    public ValueTask<IReadOnlyList<SensorReading>> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            try
            {
                _driver ??= Open();
                return ValueTask.FromResult(Read(_driver, _timeProvider.GetUtcNow()));
            }
            catch
            {
                // Reopen on the next read: the chip may have been reset or reconnected.
                _driver?.Dispose();
                _driver = null;
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _driver?.Dispose();
            _driver = null;
        }
    }

    /// <summary>Opens the bus device and constructs the driver (which talks to the chip).</summary>
    protected abstract TDriver Open();

    /// <summary>Reads every quantity; throws when the chip does not answer or answers nonsense.</summary>
    protected abstract IReadOnlyList<SensorReading> Read(TDriver driver, DateTimeOffset timestamp);

    protected SensorReading Reading(string quantity, double value, string unit, DateTimeOffset timestamp)
    {
        if (!double.IsFinite(value))
        {
            throw new InvalidDataException($"Sensor '{Name}' returned an invalid {quantity} ({value}).");
        }

        return new SensorReading(Name, quantity, value, unit, timestamp);
    }

    /// <summary>Constructs a driver over a freshly opened device, disposing the device if the driver fails.</summary>
    protected static T Construct<TDevice, T>(TDevice device, Func<TDevice, T> create)
        where TDevice : IDisposable
    {
        try
        {
            return create(device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }
}
