using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Devices.Pipeline;

/// <summary>Change gate settings, bound from <c>EdgeNode:ChangeGate</c>.</summary>
public sealed record ChangeGateOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string Section = "EdgeNode:ChangeGate";

    /// <summary>When false every frame is inferred.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Mean absolute luma difference (0–255) of the 32×24 thumbnails at or above which a frame counts as
    /// changed. Sensor noise of a still scene is typically below 1.
    /// </summary>
    [Range(0.0, 255.0)]
    public double Threshold { get; set; } = 2.0;

    /// <summary>Infer at least every this many frames even if nothing changed, so a cached result never grows stale.</summary>
    [Range(1, 1_000_000)]
    public int MaxSkippedFrames { get; set; } = 100;
}
