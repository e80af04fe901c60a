using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Health;

/// <summary>Options bound from <c>EdgeNode:Health</c>.</summary>
public sealed class HealthOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Health";

    /// <summary>Seconds between health evaluations (<c>EdgeNode__Health__PeriodSeconds</c>).</summary>
    [Range(1, 3600)]
    public double PeriodSeconds { get; set; } = 10;

    /// <summary>
    /// <c>EdgeNode__Health__StallSeconds</c>: the pipeline is unhealthy when no frame has been processed for this
    /// long (after the same grace period at start). Under systemd an unhealthy pipeline stops the watchdog pings,
    /// so systemd restarts the node.
    /// </summary>
    [Range(5, 86400)]
    public double StallSeconds { get; set; } = 60;

    /// <summary>SoC temperature (°C) from which the node reports itself degraded.</summary>
    [Range(30, 150)]
    public double HotSocCelsius { get; set; } = 80;
}
