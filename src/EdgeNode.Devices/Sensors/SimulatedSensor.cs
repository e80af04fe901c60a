using EdgeNode.Core;

namespace EdgeNode.Devices.Sensors;

/// <summary>
/// Plausible indoor temperature and humidity: a slow random walk pulled back towards a mean, for boards
/// without sensors and for demos.
/// </summary>
internal sealed class SimulatedSensor : ISensor
{
    private const double MeanTemperature = 21.5;
    private const double MeanHumidity = 45;

    private readonly Lock _lock = new();
    private readonly Random _random;
    private readonly TimeProvider _timeProvider;
    private double _temperature;
    private double _humidity;

    public SimulatedSensor(string name, TimeSpan period, TimeProvider timeProvider, Random random)
    {
        Name = name;
        Period = period;
        _timeProvider = timeProvider;
        _random = random;
        _temperature = MeanTemperature + ((_random.NextDouble() - 0.5) * 2);
        _humidity = MeanHumidity + ((_random.NextDouble() - 0.5) * 10);
    }

    public string Name { get; }

    public TimeSpan Period { get; }

    public ValueTask<IReadOnlyList<SensorReading>> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        lock (_lock)
        {
            _temperature += (0.05 * (MeanTemperature - _temperature)) + (0.1 * Gaussian());
            _humidity = Math.Clamp(_humidity + (0.05 * (MeanHumidity - _humidity)) + (0.3 * Gaussian()), 0, 100);
            IReadOnlyList<SensorReading> readings =
            [
                new SensorReading(Name, "temperature", Math.Round(_temperature, 2), "°C", now),
                new SensorReading(Name, "humidity", Math.Round(_humidity, 1), "%", now),
            ];
            return ValueTask.FromResult(readings);
        }
    }

    private double Gaussian()
    {
        // Box–Muller.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
