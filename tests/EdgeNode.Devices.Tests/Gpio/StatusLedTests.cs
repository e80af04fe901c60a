using System.Device.Gpio;
using EdgeNode.Devices.Gpio;
using EdgeNode.Devices.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Devices.Tests.Gpio;

public sealed class StatusLedTests : IDisposable
{
    private const int Pin = 27;
    private readonly TestGpioDriver _driver = new();
    private readonly GpioController _controller;
    private readonly FakeTimeProvider _time = new();

    public StatusLedTests() => _controller = new GpioController(_driver);

    [Fact]
    public void Heartbeat_OneShortFlashPerPeriod()
    {
        using var led = Start(new StatusLedOptions { Pin = Pin, HeartbeatPeriod = TimeSpan.FromSeconds(1) });

        var pattern = Sample(30);

        // Lit for exactly one 100 ms tick in every ten.
        Assert.Equal(3, pattern.Count(lit => lit));
        Assert.Equal([9, 19, 29], pattern.Select((lit, i) => (lit, i)).Where(p => p.lit).Select(p => p.i));
        Assert.Equal(PinMode.Output, _driver.ModeOf(Pin));
    }

    [Fact]
    public void ReportError_BlinksFastForTheDurationThenBackToHeartbeat()
    {
        using var led = Start(new StatusLedOptions { Pin = Pin, ErrorBlinkDuration = TimeSpan.FromSeconds(1) });

        led.ReportError();
        var blinking = Sample(9);
        var after = Sample(21);

        Assert.Equal([true, false, true, false, true, false, true, false, true], blinking);
        // Heartbeat again: lit on ticks 10, 20 and 30 only.
        Assert.Equal([0, 10, 20], after.Select((lit, i) => (lit, i)).Where(p => p.lit).Select(p => p.i));
    }

    [Fact]
    public void ActiveLow_LitMeansPinLow()
    {
        using var led = Start(new StatusLedOptions { Pin = Pin, ActiveLow = true });
        Assert.Equal(PinValue.High, _driver.ValueOf(Pin)); // off

        led.ReportError();
        _time.Advance(StatusLed.Tick);

        Assert.True(led.IsLit);
        Assert.Equal(PinValue.Low, _driver.ValueOf(Pin));
    }

    [Fact]
    public void Dispose_SwitchesOffAndClosesThePin()
    {
        var led = Start(new StatusLedOptions { Pin = Pin });
        led.ReportError();
        _time.Advance(StatusLed.Tick);

        led.Dispose();

        Assert.Equal(PinValue.Low, _driver.ValueOf(Pin));
        Assert.False(_controller.IsPinOpen(Pin));
    }

    public void Dispose() => _controller.Dispose();

    private StatusLed Start(StatusLedOptions options)
    {
        var led = new StatusLed(_controller, options, _time);
        led.Start();
        return led;
    }

    private List<bool> Sample(int ticks)
    {
        var pattern = new List<bool>(ticks);
        for (var i = 0; i < ticks; i++)
        {
            _time.Advance(StatusLed.Tick);
            pattern.Add(_driver.ValueOf(Pin) == PinValue.High);
        }

        return pattern;
    }
}
