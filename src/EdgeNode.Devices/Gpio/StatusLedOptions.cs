using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Devices.Gpio;

/// <summary>The status LED, bound from <c>EdgeNode:Gpio:Led</c>.</summary>
public sealed record StatusLedOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "EdgeNode:Gpio:Led";

    /// <summary>Off by default: a board without an LED wired must not claim a pin.</summary>
    public bool Enabled { get; set; }

    /// <summary>GPIO pin (logical/BCM numbering).</summary>
    [Range(0, 1023)]
    public int Pin { get; set; } = 27;

    /// <summary>True when the LED lights with the pin low (wired to 3.3 V).</summary>
    public bool ActiveLow { get; set; }

    /// <summary>Time between heartbeat flashes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:01:00")]
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long the LED blinks fast after <see cref="StatusLed.ReportError"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ErrorBlinkDuration { get; set; } = TimeSpan.FromSeconds(5);
}
