using System.Device.Gpio;
using EdgeNode.Devices.Gpio;
using EdgeNode.Devices.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace EdgeNode.Devices.Tests.Gpio;

public sealed class LabelButtonTests : IDisposable
{
    private const int Pin = 17;
    private readonly TestGpioDriver _driver = new();
    private readonly GpioController _controller;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<LabelButtonPressedEventArgs> _presses = [];
    private readonly LabelButton _button;

    public LabelButtonTests()
    {
        _controller = new GpioController(_driver);
        _driver.SetInput(Pin, PinValue.High); // released: pulled up
        _button = new LabelButton(_controller, new LabelButtonOptions { Enabled = true, Pin = Pin, Label = "cat" }, _time, new ListLogger<LabelButton>());
        _button.Pressed += (_, e) => _presses.Add(e);
        _button.Start();
    }

    [Fact]
    public void Start_ActiveLowButton_OpensPinWithPullUp()
    {
        Assert.Equal(PinMode.InputPullUp, _driver.ModeOf(Pin));
    }

    [Fact]
    public void Press_WithContactBounce_RaisesOnePressWithTheLabel()
    {
        Bounce(PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(47)); // 49 ms after the last edge
        Assert.Empty(_presses); // still inside the debounce window

        _time.Advance(TimeSpan.FromMilliseconds(1));

        var press = Assert.Single(_presses);
        Assert.Equal("cat", press.Label);
        Assert.Equal(Pin, press.Pin);
        Assert.Equal(_time.GetUtcNow(), press.Timestamp);
        Assert.Equal(1, _button.Presses);
    }

    [Fact]
    public void ReleaseWithBounce_ThenPressAgain_CountsTwoPresses()
    {
        Bounce(PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Bounce(PinValue.High, PinValue.Low, PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Single(_presses); // a release is not a press

        Bounce(PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(60));

        Assert.Equal(2, _presses.Count);
    }

    [Fact]
    public void GlitchShorterThanDebounce_IsIgnored()
    {
        Bounce(PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Bounce(PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Empty(_presses);
    }

    [Fact]
    public void HandlerThrows_LaterPressesStillDelivered()
    {
        _button.Pressed += (_, _) => throw new InvalidOperationException("no frame yet");

        Bounce(PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Bounce(PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Bounce(PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(60));

        Assert.Equal(2, _presses.Count);
    }

    [Fact]
    public void ButtonHeldAtStartUp_IsNotAPressUntilReleasedAndPressedAgain()
    {
        using var controller = new GpioController(_driver);
        _driver.SetInput(5, PinValue.Low); // held down while the node boots
        var presses = 0;
        using var held = new LabelButton(controller, new LabelButtonOptions { Pin = 5 }, _time, new ListLogger<LabelButton>());
        held.Pressed += (_, _) => presses++;
        held.Start();

        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, presses);

        _driver.SetInput(5, PinValue.High);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        _driver.SetInput(5, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Equal(1, presses);
    }

    [Fact]
    public void Dispose_ClosesThePinAndStopsEvents()
    {
        _button.Dispose();

        Assert.False(_controller.IsPinOpen(Pin));
        Bounce(PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Empty(_presses);
    }

    public void Dispose()
    {
        _button.Dispose();
        _controller.Dispose();
    }

    private void Bounce(params PinValue[] levels)
    {
        foreach (var level in levels)
        {
            _driver.SetInput(Pin, level);
            _time.Advance(TimeSpan.FromMilliseconds(2));
        }
    }
}
