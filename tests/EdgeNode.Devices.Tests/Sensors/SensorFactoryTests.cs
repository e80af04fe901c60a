using System.ComponentModel.DataAnnotations;
using EdgeNode.Devices.Sensors;
using EdgeNode.Devices.Tests.Support;

namespace EdgeNode.Devices.Tests.Sensors;

public sealed class SensorFactoryTests : IDisposable
{
    private readonly SimulatedBoard _board = new();

    [Fact]
    public void CreateAll_NothingConfigured_OneSimulatedSensorEveryFiveSeconds()
    {
        var sensors = new SensorFactory(_board, TimeProvider.System).CreateAll([]);

        var sensor = Assert.Single(sensors);
        Assert.Equal("simulated", sensor.Name);
        Assert.Equal(TimeSpan.FromSeconds(5), sensor.Period);
    }

    [Fact]
    public void Create_UnknownType_ThrowsListingKnownTypes()
    {
        var error = Assert.Throws<ArgumentException>(() => Factory().Create(new SensorOptions { Name = "x", Type = "ds18b20" }));

        Assert.Contains("unknown type 'ds18b20'", error.Message, StringComparison.Ordinal);
        Assert.Contains("bme280", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Dht22WithoutPin_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Factory().Create(new SensorOptions { Name = "dht", Type = "dht22" }));

        Assert.Contains("needs a Pin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bad name", "simulated", 5, null)]
    [InlineData("ok", "simulated", 0, null)]
    [InlineData("ok", "bme280", 5, "0xZZ")]
    public void Create_InvalidEntry_ThrowsValidationExceptionNamingTheSensor(string name, string type, double period, string? address)
    {
        var options = new SensorOptions { Name = name, Type = type, PeriodSeconds = period, Address = address };

        var error = Assert.Throws<ValidationException>(() => Factory().Create(options));

        Assert.Contains($"Sensor '{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateAll_DuplicateNames_Throws()
    {
        SensorOptions[] options = [new() { Name = "a" }, new() { Name = "a" }];

        var error = Assert.Throws<ArgumentException>(() => Factory().CreateAll(options));

        Assert.Contains("'a' is used twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NothingOpenedUntilTheFirstRead()
    {
        _ = Factory().Create(new SensorOptions { Name = "room", Type = "bme280" });

        Assert.Empty(_board.Opened);
    }

    public void Dispose() => _board.Dispose();

    private SensorFactory Factory() => new(_board, TimeProvider.System);
}
