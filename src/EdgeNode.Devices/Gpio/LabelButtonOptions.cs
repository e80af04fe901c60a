using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Devices.Gpio;

/// <summary>The label button, bound from <c>EdgeNode:Gpio:Button</c>.</summary>
public sealed record LabelButtonOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "EdgeNode:Gpio:Button";

    /// <summary>Off by default: a board without a button wired must not claim a pin.</summary>
    public bool Enabled { get; set; }

    /// <summary>GPIO pin (logical/BCM numbering).</summary>
    [Range(0, 1023)]
    public int Pin { get; set; } = 17;

    /// <summary>The class a press labels the current frame with.</summary>
    [Required]
    public string Label { get; set; } = "positive";

    /// <summary>True for a button to ground with the internal pull-up (the usual wiring); false for a button to 3.3 V with pull-down.</summary>
    public bool ActiveLow { get; set; } = true;

    /// <summary>How long the level must stay put before a change counts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(50);
}
