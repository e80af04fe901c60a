using EdgeNode.Devices.Sensors;
using EdgeNode.Devices.Tests.Support;

namespace EdgeNode.Devices.Tests.Sensors;

public sealed class SocSensorTests
{
    [Fact]
    public async Task ReadAsync_RaspberryPiLayout_TemperatureThrottlingAndClock()
    {
        using var root = new TempDirectory();
        root.File("sys/class/thermal/thermal_zone0/temp", "48312\n");
        root.File("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
        root.File("sys/devices/platform/soc/soc:firmware/get_throttled", "50005\n");
        root.File("sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1500000\n");
        var sensor = Create(root.Path);

        var readings = (await sensor.ReadAsync(CancellationToken.None)).ToDictionary(r => r.Quantity);

        Assert.Equal(48.312, readings["temperature"].Value, 3);
        Assert.Equal("°C", readings["temperature"].Unit);
        Assert.Equal(0x50005, readings["throttled_flags"].Value);
        Assert.Equal(1, readings["under_voltage"].Value);
        Assert.Equal(1, readings["throttled"].Value);
        Assert.Equal(1500, readings["cpu_frequency"].Value);
        Assert.DoesNotContain("temperature_cpu_thermal", readings.Keys); // one zone: no per-zone duplicate
    }

    [Fact]
    public async Task ReadAsync_JetsonLayout_CpuZoneIsHeadlineAndBrokenZonesSkipped()
    {
        using var root = new TempDirectory();
        Zone(root, 0, "CPU-therm", "41500");
        Zone(root, 1, "GPU-therm", "39000");
        Zone(root, 2, "PMIC-Die", "100000");
        Zone(root, 3, "CV0-therm", "not a number");
        var sensor = Create(root.Path);

        var readings = (await sensor.ReadAsync(CancellationToken.None)).ToDictionary(r => r.Quantity);

        Assert.Equal(41.5, readings["temperature"].Value);
        Assert.Equal(39.0, readings["temperature_gpu_therm"].Value);
        Assert.Equal(100.0, readings["temperature_pmic_die"].Value);
        Assert.DoesNotContain("temperature_cv0_therm", readings.Keys);
        Assert.DoesNotContain("throttled", readings.Keys); // no Raspberry Pi firmware file
    }

    [Fact]
    public async Task ReadAsync_NotThrottled_ReportsZero()
    {
        using var root = new TempDirectory();
        root.File("sys/class/thermal/thermal_zone0/temp", "40000");
        root.File("sys/devices/platform/soc/soc:firmware/get_throttled", "0x0");
        var sensor = Create(root.Path);

        var readings = (await sensor.ReadAsync(CancellationToken.None)).ToDictionary(r => r.Quantity);

        Assert.Equal(0, readings["throttled"].Value);
        Assert.Equal(0, readings["under_voltage"].Value);
    }

    [Fact]
    public async Task ReadAsync_NoThermalZone_ThrowsIOException()
    {
        using var root = new TempDirectory();
        var sensor = Create(root.Path);

        var error = await Assert.ThrowsAsync<IOException>(() => sensor.ReadAsync(CancellationToken.None).AsTask());
        Assert.Contains("no readable thermal zone", error.Message, StringComparison.Ordinal);
    }

    private static EdgeNode.Core.ISensor Create(string root)
    {
        using var board = new SimulatedBoard(root);
        return new SensorFactory(board, TimeProvider.System).Create(new SensorOptions { Name = "soc", Type = "soc" });
    }

    private static void Zone(TempDirectory root, int n, string type, string temp)
    {
        root.File($"sys/devices/virtual/thermal/thermal_zone{n}/type", type + "\n");
        root.File($"sys/devices/virtual/thermal/thermal_zone{n}/temp", temp + "\n");
    }
}
