using System.Collections.Concurrent;
using EdgeNode.Core;
using EdgeNode.Devices.Sensors;
using EdgeNode.Devices.Tests.Support;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices.Tests.Sensors;

public sealed class SensorPollerTests
{
    private static readonly Backoff FastRetry = new(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(80));

    [Fact]
    public async Task RunAsync_OneSensorThrows_OthersKeepBeingReadAndFailureIsReported()
    {
        var good = new ScriptedSensor("good", TimeSpan.FromMilliseconds(30), _ => null);
        var bad = new ScriptedSensor("bad", TimeSpan.FromMilliseconds(30), _ => new IOException("no ACK from 0x76"));
        var received = new ConcurrentQueue<SensorReading>();
        var logger = new ListLogger<SensorPoller>();
        var poller = new SensorPoller([good, bad], Collect(received), TimeProvider.System, logger, FastRetry);
        using var cts = new CancellationTokenSource();

        var run = poller.RunAsync(cts.Token);
        await WaitUntil(() => good.Reads >= 5 && bad.Reads >= 3);
        await cts.CancelAsync();
        await run;

        Assert.All(received, r => Assert.Equal("good", r.Sensor));
        Assert.True(received.Count >= 5);
        var status = poller.GetStatus().ToDictionary(s => s.Sensor);
        Assert.Equal(0, status["good"].ConsecutiveFailures);
        Assert.NotNull(status["good"].LastSuccess);
        Assert.True(status["bad"].ConsecutiveFailures >= 3);
        Assert.Equal("no ACK from 0x76", status["bad"].LastError);
        Assert.Null(status["bad"].LastSuccess);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Exception is IOException && e.Message.Contains("bad", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_SensorRecovers_BackToHealthyAndRecoveryLogged()
    {
        var flaky = new ScriptedSensor("flaky", TimeSpan.FromMilliseconds(20), n => n <= 2 ? new TimeoutException("bus busy") : null);
        var received = new ConcurrentQueue<SensorReading>();
        var logger = new ListLogger<SensorPoller>();
        var poller = new SensorPoller([flaky], Collect(received), TimeProvider.System, logger, FastRetry);
        using var cts = new CancellationTokenSource();

        var run = poller.RunAsync(cts.Token);
        await WaitUntil(() => !received.IsEmpty);
        await cts.CancelAsync();
        await run;

        var status = Assert.Single(poller.GetStatus());
        Assert.Equal(2, status.Failures);
        Assert.Equal(0, status.ConsecutiveFailures);
        Assert.Contains(logger.Entries, e => e.Message.Contains("answering again after 2 failed reads", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_PollingContinues()
    {
        var sensor = new ScriptedSensor("s", TimeSpan.FromMilliseconds(20), _ => null);
        var logger = new ListLogger<SensorPoller>();
        var poller = new SensorPoller([sensor], (_, _) => throw new InvalidOperationException("store full"), TimeProvider.System, logger, FastRetry);
        using var cts = new CancellationTokenSource();

        var run = poller.RunAsync(cts.Token);
        await WaitUntil(() => sensor.Reads >= 3);
        await cts.CancelAsync();
        await run;

        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == "store full");
    }

    [Fact]
    public void Backoff_DoublesUpToTheCeiling()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        Assert.Equal(1, backoff.DelayFor(1).TotalSeconds);
        Assert.Equal(2, backoff.DelayFor(2).TotalSeconds);
        Assert.Equal(8, backoff.DelayFor(4).TotalSeconds);
        Assert.Equal(10, backoff.DelayFor(5).TotalSeconds);
        Assert.Equal(10, backoff.DelayFor(100).TotalSeconds);
    }

    private static Func<IReadOnlyList<SensorReading>, CancellationToken, ValueTask> Collect(ConcurrentQueue<SensorReading> into) =>
        (readings, _) =>
        {
            foreach (var reading in readings)
            {
                into.Enqueue(reading);
            }

            return ValueTask.CompletedTask;
        };

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Condition not reached in 20 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>A sensor whose n-th read (1-based) throws what the script returns, or succeeds when it returns null.</summary>
    private sealed class ScriptedSensor(string name, TimeSpan period, Func<int, Exception?> script) : ISensor
    {
        private int _reads;

        public string Name => name;

        public TimeSpan Period => period;

        public int Reads => Volatile.Read(ref _reads);

        public ValueTask<IReadOnlyList<SensorReading>> ReadAsync(CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _reads);
            if (script(n) is { } error)
            {
                throw error;
            }

            IReadOnlyList<SensorReading> readings = [new SensorReading(name, "temperature", 20 + n, "°C", DateTimeOffset.UtcNow)];
            return ValueTask.FromResult(readings);
        }
    }
}
