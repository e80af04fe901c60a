using EdgeNode.Core;
using EdgeNode.Devices.Sensors;
using EdgeNode.Devices.Tests.Support;

namespace EdgeNode.Devices.Tests.Sensors;

/// <summary>
/// The real Dhtxx driver decoding a simulated one-wire answer through the test GpioDriver. The answer is timed in real
/// microseconds, so these tests run alone: beside the assembly's camera and ffmpeg tests on a 2-vCPU machine, 25 reads
/// in a row were garbled once in CI.
/// </summary>
[Collection(nameof(RealTimeGpio))]
public sealed class Dht22SensorTests
{
    [Fact]
    public async Task ReadAsync_SensorAnswers_DecodesHumidityAndNegativeTemperature()
    {
        using var board = new SimulatedBoard();
        _ = new Dht22Waveform(board.GpioDriver, pin: 4, humidityPercent: 65.3, celsius: -7.4);
        var sensor = new SensorFactory(board, TimeProvider.System).Create(new SensorOptions { Name = "porch", Type = "dht22", Pin = 4 });

        var readings = await ReadWithRetriesAsync(sensor);

        Assert.Equal(65.3, Assert.Single(readings, r => r.Quantity == "humidity" && r.Unit == "%").Value, 1);
        Assert.Equal(-7.4, Assert.Single(readings, r => r.Quantity == "temperature" && r.Unit == "°C").Value, 1);
        Assert.True(board.Gpio.IsPinOpen(4));
    }

    [Fact]
    public async Task ReadAsync_NoSensorOnThePin_ThrowsIOException()
    {
        using var board = new SimulatedBoard();
        board.GpioDriver.ReadOverride = _ => System.Device.Gpio.PinValue.High; // nothing pulls the line low
        var sensor = new SensorFactory(board, TimeProvider.System).Create(new SensorOptions { Name = "porch", Type = "dht22", Pin = 4 });

        var error = await Assert.ThrowsAsync<IOException>(() => sensor.ReadAsync(CancellationToken.None).AsTask());

        Assert.Contains("GPIO 4", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IReadOnlyList<SensorReading>> ReadWithRetriesAsync(ISensor sensor)
    {
        // Bit timing is real time: a descheduled test thread can garble an answer, as on a real board, and on a
        // loaded CI machine several in a row.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await sensor.ReadAsync(CancellationToken.None);
            }
            catch (IOException) when (attempt < 25)
            {
                await Task.Delay(20);
            }
        }
    }
}

/// <summary>Tests whose simulated hardware answers in real time run with no other test of the assembly beside them.</summary>
[CollectionDefinition(nameof(RealTimeGpio), DisableParallelization = true)]
public sealed class RealTimeGpio;
