using System.Device.Gpio;

namespace EdgeNode.Devices.Gpio;

/// <summary>
/// The node's status LED: a short flash every <see cref="StatusLedOptions.HeartbeatPeriod"/> while healthy,
/// fast blinking for <see cref="StatusLedOptions.ErrorBlinkDuration"/> after <see cref="ReportError"/>.
/// Driven by one <see cref="TimeProvider"/> timer ticking every 100 ms; the pin is written only on change.
/// </summary>
public sealed class StatusLed : IDisposable
{
    /// <summary>Tick of the LED pattern: the length of a heartbeat flash and of half an error blink.</summary>
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly GpioController _controller;
    private readonly StatusLedOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly long _heartbeatTicks;
    private ITimer? _timer;
    private long _tick;
    private bool _lit;
    private DateTimeOffset _errorUntil = DateTimeOffset.MinValue;

    /// <summary>Creates the LED; call <see cref="Start"/> to claim the pin.</summary>
    /// <param name="controller">The board's GPIO controller (not disposed by this class).</param>
    /// <param name="options">Pin, polarity and pattern timing.</param>
    /// <param name="timeProvider">Clock that drives the pattern.</param>
    public StatusLed(GpioController controller, StatusLedOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _controller = controller;
        _options = options;
        _timeProvider = timeProvider;
        _heartbeatTicks = Math.Max(2, (long)(options.HeartbeatPeriod / Tick));
    }

    /// <summary>True while the LED is lit.</summary>
    public bool IsLit
    {
        get
        {
            lock (_lock)
            {
                return _lit;
            }
        }
    }

    /// <summary>Opens the pin as an output (LED off) and starts the heartbeat.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_timer is not null)
            {
                return;
            }

            _controller.OpenPin(_options.Pin, PinMode.Output);
            Set(false, force: true);
            _timer = _timeProvider.CreateTimer(_ => OnTick(), null, Tick, Tick);
        }
    }

    /// <summary>Switches to fast blinking for <see cref="StatusLedOptions.ErrorBlinkDuration"/> (extended by each call).</summary>
    public void ReportError()
    {
        lock (_lock)
        {
            _errorUntil = _timeProvider.GetUtcNow() + _options.ErrorBlinkDuration;
        }
    }

    /// <summary>Stops the pattern, switches the LED off and closes the pin.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_timer is null)
            {
                return;
            }

            _timer.Dispose();
            _timer = null;
            Set(false, force: true);
            _controller.ClosePin(_options.Pin);
        }
    }

    private void OnTick()
    {
        lock (_lock)
        {
            if (_timer is null)
            {
                return;
            }

            _tick++;
            var error = _timeProvider.GetUtcNow() < _errorUntil;
            Set(error ? _tick % 2 == 1 : _tick % _heartbeatTicks == 0, force: false);
        }
    }

    private void Set(bool lit, bool force)
    {
        if (lit == _lit && !force)
        {
            return;
        }

        _lit = lit;
        _controller.Write(_options.Pin, lit ^ _options.ActiveLow ? PinValue.High : PinValue.Low);
    }
}
