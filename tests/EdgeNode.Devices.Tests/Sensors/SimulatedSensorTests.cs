using EdgeNode.Devices.Sensors;

namespace EdgeNode.Devices.Tests.Sensors;

public sealed class SimulatedSensorTests
{
    [Fact]
    public async Task ReadAsync_ManyReads_SlowPlausibleRandomWalk()
    {
        var sensor = new SimulatedSensor("sim", TimeSpan.FromSeconds(5), TimeProvider.System, new Random(42));
        var temperatures = new List<double>();
        var humidities = new List<double>();

        for (var i = 0; i < 500; i++)
        {
            var readings = await sensor.ReadAsync(CancellationToken.None);
            temperatures.Add(Assert.Single(readings, r => r.Quantity == "temperature" && r.Unit == "°C").Value);
            humidities.Add(Assert.Single(readings, r => r.Quantity == "humidity" && r.Unit == "%").Value);
        }

        Assert.All(temperatures, t => Assert.InRange(t, 15, 28));
        Assert.All(humidities, h => Assert.InRange(h, 20, 70));
        Assert.All(temperatures.Zip(temperatures.Skip(1)), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 1)); // slow
        Assert.True(temperatures.Distinct().Count() > 100); // but it moves
    }
}
