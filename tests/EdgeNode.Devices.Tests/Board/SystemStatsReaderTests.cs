using EdgeNode.Devices.Board;
using EdgeNode.Devices.Tests.Support;

namespace EdgeNode.Devices.Tests.Board;

public sealed class SystemStatsReaderTests
{
    private const string MemInfo = "MemTotal:        3884096 kB\nMemFree:          200000 kB\nMemAvailable:    2913072 kB\nBuffers:           1 kB\n";

    [Fact]
    public async Task ReadAsync_RaspberryPiFiles_CpuDeltaMemoryLoadTemperatureAndThrottling()
    {
        using var root = new TempDirectory();
        root.File("proc/stat", "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n");
        root.File("proc/loadavg", "1.25 0.80 0.50 2/345 6789\n");
        root.File("proc/meminfo", MemInfo);
        root.File("sys/class/thermal/thermal_zone0/temp", "61234\n");
        root.File("sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
        root.File("sys/devices/platform/soc/soc:firmware/get_throttled", "0x20002\n");
        var reader = new SystemStatsReader(root.Path);

        var first = await reader.ReadAsync(CancellationToken.None);
        // 300 more busy jiffies (user + system), 100 more idle, 0 more iowait: 75 % busy.
        root.File("proc/stat", "cpu  300 0 200 800 100 0 0 0 0 0\n");
        var second = await reader.ReadAsync(CancellationToken.None);

        Assert.Null(first.CpuPercent); // no previous sample to take a delta from
        Assert.Equal(75, second.CpuPercent!.Value, 6);
        Assert.Equal(1.25, second.LoadAverage1);
        Assert.Equal(3884096L * 1024, second.MemoryTotalBytes);
        Assert.Equal(2913072L * 1024, second.MemoryAvailableBytes);
        Assert.Equal(25.0, second.MemoryUsedPercent!.Value, 1);
        Assert.Equal(61.234, second.SocTemperatureC!.Value, 3);
        Assert.Equal(0x20002, second.ThrottledFlags);
        Assert.True(second.Throttled);
        Assert.True(second.ProcessRssBytes > 0);
    }

    [Fact]
    public async Task ReadAsync_NoProcOrSys_NullsNotExceptions()
    {
        using var root = new TempDirectory();
        var reader = new SystemStatsReader(root.Path);

        var snapshot = await reader.ReadAsync(CancellationToken.None);

        Assert.Null(snapshot.CpuPercent);
        Assert.Null(snapshot.LoadAverage1);
        Assert.Null(snapshot.MemoryUsedPercent);
        Assert.Null(snapshot.SocTemperatureC);
        Assert.Null(snapshot.Throttled);
    }

    [Theory]
    [InlineData("")]
    [InlineData("cpu  x y z w\n")]
    [InlineData("intr 1 2 3\n")]
    [InlineData("cpu  1 2\n")]
    public void ParseCpuLine_Malformed_Null(string stat) => Assert.Null(SystemStatsReader.ParseCpuLine(stat));

    [Fact]
    public void ParseCpuLine_GuestColumnsNotCountedTwice()
    {
        // guest (9th) and guest_nice (10th) are already inside user and nice.
        var parsed = SystemStatsReader.ParseCpuLine("cpu  10 0 10 70 10 0 0 0 999 999\n");

        Assert.Equal((20L, 100L), parsed);
    }

    [Fact]
    public async Task ReadAsync_CounterWentBackwards_NullInsteadOfNegative()
    {
        using var root = new TempDirectory();
        root.File("proc/stat", "cpu  500 0 500 500 0 0 0 0 0 0\n");
        var reader = new SystemStatsReader(root.Path);
        await reader.ReadAsync(CancellationToken.None);
        root.File("proc/stat", "cpu  1 0 1 1 0 0 0 0 0 0\n"); // a container restarted under us

        Assert.Null((await reader.ReadAsync(CancellationToken.None)).CpuPercent);
    }

    [Fact]
    public async Task ReadAsync_RealProc_ReadsThisMachine()
    {
        var reader = new SystemStatsReader("/");
        await reader.ReadAsync(CancellationToken.None);
        await Task.Delay(50);

        var snapshot = await reader.ReadAsync(CancellationToken.None);

        Assert.NotNull(snapshot.MemoryTotalBytes);
        Assert.InRange(snapshot.MemoryUsedPercent!.Value, 0, 100);
        Assert.NotNull(snapshot.LoadAverage1);
    }
}
