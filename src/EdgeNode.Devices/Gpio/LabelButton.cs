using System.Device.Gpio;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices.Gpio;

/// <summary>
/// A push button that labels the current frame. Edge interrupts from the injected <see cref="GpioController"/>
/// (re)arm a debounce timer; when it expires the pin is read, and a change to the pressed level raises
/// <see cref="Pressed"/> once. Contact bounce and glitches shorter than the debounce time are ignored.
/// </summary>
public sealed class LabelButton : IDisposable
{
    private readonly GpioController _controller;
    private readonly LabelButtonOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LabelButton> _logger;
    private readonly Lock _lock = new();
    private ITimer? _debounce;
    private bool _pressed;
    private long _presses;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates the button; call <see cref="Start"/> to claim the pin.</summary>
    /// <param name="controller">The board's GPIO controller (not disposed by this class).</param>
    /// <param name="options">Pin, label, polarity and debounce time.</param>
    /// <param name="timeProvider">Clock for debouncing and timestamps.</param>
    /// <param name="logger">Logger for presses and handler failures.</param>
    public LabelButton(GpioController controller, LabelButtonOptions options, TimeProvider timeProvider, ILogger<LabelButton> logger)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _controller = controller;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Raised once per debounced press, on the timer's thread.</summary>
    public event EventHandler<LabelButtonPressedEventArgs>? Pressed;

    /// <summary>Debounced presses since start (for telemetry).</summary>
    public long Presses => Interlocked.Read(ref _presses);

    /// <summary>Opens the pin as an input with the matching pull resistor and starts listening to both edges.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _controller.OpenPin(_options.Pin, _options.ActiveLow ? PinMode.InputPullUp : PinMode.InputPullDown);
            _debounce = _timeProvider.CreateTimer(_ => Settle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _pressed = IsActive(_controller.Read(_options.Pin)); // a button held at start-up is not a press
            _controller.RegisterCallbackForPinValueChangedEvent(_options.Pin, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
            _started = true;
        }
    }

    /// <summary>Stops listening and closes the pin.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            if (!_started)
            {
                return;
            }

            _started = false;
            _controller.UnregisterCallbackForPinValueChangedEvent(_options.Pin, OnEdge);
            _controller.ClosePin(_options.Pin);
            _debounce?.Dispose();
        }
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        lock (_lock)
        {
            // Every edge restarts the wait: only a level that holds for the whole debounce time counts.
            _debounce?.Change(_options.Debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void Settle()
    {
        LabelButtonPressedEventArgs? press = null;
        lock (_lock)
        {
            if (!_started)
            {
                return;
            }

            var active = IsActive(_controller.Read(_options.Pin));
            if (active != _pressed)
            {
                _pressed = active;
                if (active)
                {
                    Interlocked.Increment(ref _presses);
                    press = new LabelButtonPressedEventArgs(_options.Label, _options.Pin, _timeProvider.GetUtcNow());
                }
            }
        }

        if (press is null)
        {
            return;
        }

        Log.ButtonPressed(_logger, press.Pin, press.Label);
        try
        {
            Pressed?.Invoke(this, press);
        }
        catch (Exception ex)
        {
            // A handler's failure must not kill the timer thread or later presses.
            Log.ButtonHandlerFailed(_logger, ex, press.Pin);
        }
    }

    private bool IsActive(PinValue value) => _options.ActiveLow ? value == PinValue.Low : value == PinValue.High;
}
