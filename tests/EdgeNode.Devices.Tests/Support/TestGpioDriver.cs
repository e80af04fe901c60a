using System.Collections.Concurrent;
using System.Device.Gpio;

namespace EdgeNode.Devices.Tests.Support;

/// <summary>
/// An in-memory GPIO chip: inputs are driven by the test (raising edge callbacks like the kernel does),
/// outputs are recorded. <see cref="ReadOverride"/> lets a test play a waveform (e.g. a DHT22 answer).
/// </summary>
internal sealed class TestGpioDriver : GpioDriver
{
    private readonly ConcurrentDictionary<int, PinMode> _modes = new();
    private readonly ConcurrentDictionary<int, PinValue> _values = new();
    private readonly ConcurrentDictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = new();

    /// <summary>Every value written to an output, in order.</summary>
    public ConcurrentQueue<(int Pin, PinValue Value)> Writes { get; } = new();

    /// <summary>When set, answers reads of input pins instead of the stored value.</summary>
    public Func<int, PinValue>? ReadOverride { get; set; }

    /// <summary>Raised when a pin's mode changes (pin, new mode).</summary>
    public event Action<int, PinMode>? ModeChanged;

    protected override int PinCount => 64;

    public PinMode ModeOf(int pin) => _modes.TryGetValue(pin, out var mode) ? mode : PinMode.Input;

    public PinValue ValueOf(int pin) => _values.TryGetValue(pin, out var value) ? value : PinValue.Low;

    /// <summary>Drives an input to <paramref name="value"/>, firing the registered edge callbacks.</summary>
    public void SetInput(int pin, PinValue value)
    {
        var previous = ValueOf(pin);
        _values[pin] = value;
        if (previous == value || !_callbacks.TryGetValue(pin, out var handlers))
        {
            return;
        }

        var type = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        (PinEventTypes Types, PinChangeEventHandler Handler)[] snapshot;
        lock (handlers)
        {
            snapshot = [.. handlers];
        }

        foreach (var (types, handler) in snapshot)
        {
            if ((types & type) != 0)
            {
                handler(this, new PinValueChangedEventArgs(type, pin));
            }
        }
    }

    protected override void OpenPin(int pinNumber) => _modes.TryAdd(pinNumber, PinMode.Input);

    protected override void ClosePin(int pinNumber)
    {
        _modes.TryRemove(pinNumber, out _);
        _callbacks.TryRemove(pinNumber, out _);
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        _modes[pinNumber] = mode;
        ModeChanged?.Invoke(pinNumber, mode);
    }

    protected override PinMode GetPinMode(int pinNumber) => ModeOf(pinNumber);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) =>
        ReadOverride is { } play && ModeOf(pinNumber) is PinMode.Input or PinMode.InputPullUp or PinMode.InputPullDown
            ? play(pinNumber)
            : ValueOf(pinNumber);

    protected override void Toggle(int pinNumber) => Write(pinNumber, !ValueOf(pinNumber));

    protected override void Write(int pinNumber, PinValue value)
    {
        _values[pinNumber] = value;
        Writes.Enqueue((pinNumber, value));
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne();
        return new WaitForEventResult { TimedOut = true, EventTypes = PinEventTypes.None };
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        var handlers = _callbacks.GetOrAdd(pinNumber, _ => []);
        lock (handlers)
        {
            handlers.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        if (_callbacks.TryGetValue(pinNumber, out var handlers))
        {
            lock (handlers)
            {
                handlers.RemoveAll(h => h.Handler == callback);
            }
        }
    }
}
