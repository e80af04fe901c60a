namespace EdgeNode.Devices.Gpio;

/// <summary>A debounced press of the label button.</summary>
public sealed class LabelButtonPressedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public LabelButtonPressedEventArgs(string label, int pin, DateTimeOffset timestamp)
    {
        Label = label;
        Pin = pin;
        Timestamp = timestamp;
    }

    /// <summary>The configured class name to label the current frame with.</summary>
    public string Label { get; }

    /// <summary>The button's pin.</summary>
    public int Pin { get; }

    /// <summary>When the press was confirmed (after debouncing).</summary>
    public DateTimeOffset Timestamp { get; }
}
