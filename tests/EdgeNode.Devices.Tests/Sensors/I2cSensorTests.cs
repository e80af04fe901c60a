using EdgeNode.Core;
using EdgeNode.Devices.Sensors;
using EdgeNode.Devices.Tests.Support;

namespace EdgeNode.Devices.Tests.Sensors;

/// <summary>The real Iot.Device.Bindings drivers against simulated register maps.</summary>
public sealed class I2cSensorTests
{
    [Fact]
    public async Task Bme280_DatasheetCalibration_ReadsCompensatedValues()
    {
        using var board = new SimulatedBoard();
        var chip = Bmx280Chip(chipId: 0x60, bus: 1, address: 0x76);
        board.Add(1, 0x76, () => chip);
        var sensor = Create(board, new SensorOptions { Name = "room", Type = "bme280", Address = "0x76" });

        var readings = await sensor.ReadAsync(CancellationToken.None);

        Assert.Equal(25.08, Value(readings, "temperature", "°C"), 2);
        Assert.Equal(1006.53, Value(readings, "pressure", "hPa"), 0);
        Assert.InRange(Value(readings, "humidity", "%"), 1, 99);
        Assert.All(readings, r => Assert.Equal("room", r.Sensor));
    }

    [Fact]
    public async Task Bme280_HumidityRawChanges_ReadingFollows()
    {
        using var board = new SimulatedBoard();
        var chip = Bmx280Chip(chipId: 0x60, bus: 1, address: 0x77);
        board.Add(1, 0x77, () => chip);
        var sensor = Create(board, new SensorOptions { Name = "room", Type = "bme280" });

        var before = Value(await sensor.ReadAsync(CancellationToken.None), "humidity", "%");
        chip[0xFD] = 0x7A; // more raw humidity
        var after = Value(await sensor.ReadAsync(CancellationToken.None), "humidity", "%");

        Assert.True(after > before, $"{after} should exceed {before}");
    }

    [Fact]
    public async Task Bmp280_NoHumidity_ReadsTemperatureAndPressure()
    {
        using var board = new SimulatedBoard();
        board.Add(3, 0x77, () => Bmx280Chip(chipId: 0x58, bus: 3, address: 0x77));
        var sensor = Create(board, new SensorOptions { Name = "baro", Type = "bmp280", Bus = 3 });

        var readings = await sensor.ReadAsync(CancellationToken.None);

        Assert.Equal(["temperature", "pressure"], readings.Select(r => r.Quantity));
        Assert.Equal(25.08, Value(readings, "temperature", "°C"), 2);
    }

    [Fact]
    public async Task Bme280_WrongChipAnswers_ReadThrowsDisposesDeviceAndReopensNextTime()
    {
        using var board = new SimulatedBoard();
        var devices = new List<RegisterMapI2cDevice>();
        var chipId = 0x00;
        board.Add(1, 0x77, () =>
        {
            var chip = Bmx280Chip((byte)chipId, 1, 0x77);
            devices.Add(chip);
            return chip;
        });
        var sensor = Create(board, new SensorOptions { Name = "room", Type = "bme280" });

        await Assert.ThrowsAnyAsync<Exception>(() => sensor.ReadAsync(CancellationToken.None).AsTask());
        Assert.True(devices[0].Disposed);

        chipId = 0x60; // the chip was plugged back in
        var readings = await sensor.ReadAsync(CancellationToken.None);
        Assert.Equal(25.08, Value(readings, "temperature", "°C"), 2);
        Assert.Equal(2, devices.Count);
    }

    [Fact]
    public async Task Sht3x_MeasurementWithCrc_ReadsTemperatureAndHumidity()
    {
        using var board = new SimulatedBoard();
        var chip = new Sht3xSimulator(1, 0x45) { Celsius = 18.3, Humidity = 61.2 };
        board.Add(1, 0x45, () => chip);
        var sensor = Create(board, new SensorOptions { Name = "shed", Type = "sht3x", Address = "69" });

        var readings = await sensor.ReadAsync(CancellationToken.None);

        Assert.Equal(18.3, Value(readings, "temperature", "°C"), 1);
        Assert.Equal(61.2, Value(readings, "humidity", "%"), 1);
        Assert.Contains((ushort)0x30A2, chip.Commands); // the driver soft-reset the chip first
        Assert.True(chip.Measurements >= 1);
    }

    [Fact]
    public async Task Ads1115_OneChannel_ReadsItsVoltage()
    {
        using var board = new SimulatedBoard();
        var adc = new Ads1115Simulator(1, 0x48);
        adc.Inputs[2] = 1.65;
        adc.Inputs[0] = 3.0;
        board.Add(1, 0x48, () => adc);
        var sensor = Create(board, new SensorOptions { Name = "soil", Type = "ads1115", Channel = 2 });

        var readings = await sensor.ReadAsync(CancellationToken.None);

        var reading = Assert.Single(readings);
        Assert.Equal("voltage", reading.Quantity);
        Assert.Equal("V", reading.Unit);
        Assert.Equal(1.65, reading.Value, 3);
    }

    [Fact]
    public async Task Ads1115_NoChannel_ReadsAllFourInputs()
    {
        using var board = new SimulatedBoard();
        var adc = new Ads1115Simulator(1, 0x49);
        double[] volts = [0.5, 1.0, 2.5, 3.3];
        volts.CopyTo(adc.Inputs, 0);
        board.Add(1, 0x49, () => adc);
        var sensor = Create(board, new SensorOptions { Name = "adc", Type = "ads1115", Address = "0x49" });

        var readings = await sensor.ReadAsync(CancellationToken.None);

        Assert.Equal(["voltage_0", "voltage_1", "voltage_2", "voltage_3"], readings.Select(r => r.Quantity));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(volts[i], readings[i].Value, 3);
        }
    }

    [Fact]
    public async Task I2cSensor_NothingAtTheAddress_ReadThrowsIOException()
    {
        using var board = new SimulatedBoard();
        var sensor = Create(board, new SensorOptions { Name = "ghost", Type = "sht3x" });

        await Assert.ThrowsAsync<IOException>(() => sensor.ReadAsync(CancellationToken.None).AsTask());
        Assert.Equal([(1, 0x44)], board.Opened);
    }

    private static ISensor Create(SimulatedBoard board, SensorOptions options) =>
        new SensorFactory(board, TimeProvider.System).Create(options);

    private static double Value(IReadOnlyList<SensorReading> readings, string quantity, string unit)
    {
        var reading = Assert.Single(readings, r => r.Quantity == quantity);
        Assert.Equal(unit, reading.Unit);
        return reading.Value;
    }

    /// <summary>A BME280/BMP280 register map with the datasheet's worked-example calibration and raw values.</summary>
    private static RegisterMapI2cDevice Bmx280Chip(byte chipId, int bus, int address)
    {
        var chip = new RegisterMapI2cDevice(bus, address);
        chip[0xD0] = chipId;
        int[] trimming = [27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000];
        for (var i = 0; i < trimming.Length; i++)
        {
            chip.SetLittleEndian(0x88 + (2 * i), trimming[i]);
        }

        // Humidity trimming of a typical part: H1=75, H2=362, H3=0, H4=313, H5=50, H6=30.
        chip[0xA1] = 75;
        chip.SetLittleEndian(0xE1, 362);
        chip[0xE3] = 0;
        chip[0xE4] = 313 >> 4;
        chip[0xE5] = (byte)((313 & 0x0F) | ((50 & 0x0F) << 4));
        chip[0xE6] = 50 >> 4;
        chip[0xE7] = 30;

        // Raw pressure 415148 and temperature 519888 (20-bit, left-aligned), raw humidity 0x6A00.
        chip[0xF7] = 0x65;
        chip[0xF8] = 0x5A;
        chip[0xF9] = 0xC0;
        chip[0xFA] = 0x7E;
        chip[0xFB] = 0xED;
        chip[0xFC] = 0x00;
        chip[0xFD] = 0x6A;
        chip[0xFE] = 0x00;
        return chip;
    }
}
