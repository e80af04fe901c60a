using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Telemetry;

/// <summary>Options bound from <c>EdgeNode:Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Telemetry";

    /// <summary>Seconds between telemetry messages.</summary>
    [Range(0.2, 3600)]
    public double IntervalSeconds { get; set; } = 5;
}
