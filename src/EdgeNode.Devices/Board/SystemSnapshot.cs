namespace EdgeNode.Devices.Board;

/// <summary>
/// The board's state at one moment. Values a board does not expose are null (no <c>get_throttled</c> off a
/// Raspberry Pi, no thermal zone in most containers and VMs).
/// </summary>
/// <param name="CpuPercent">Busy share of all cores since the previous snapshot, 0–100; null on the first.</param>
/// <param name="LoadAverage1">One-minute load average.</param>
/// <param name="MemoryTotalBytes">Physical memory.</param>
/// <param name="MemoryAvailableBytes">Memory available to new work (<c>MemAvailable</c>).</param>
/// <param name="ProcessRssBytes">This process's resident set.</param>
/// <param name="SocTemperatureC">The headline SoC temperature (<see cref="SocThermal.Headline"/>).</param>
/// <param name="ThrottledFlags">The Raspberry Pi firmware's <c>get_throttled</c> flags.</param>
public sealed record SystemSnapshot(
    double? CpuPercent,
    double? LoadAverage1,
    long? MemoryTotalBytes,
    long? MemoryAvailableBytes,
    long ProcessRssBytes,
    double? SocTemperatureC,
    long? ThrottledFlags)
{
    /// <summary>Used share of physical memory, 0–100.</summary>
    public double? MemoryUsedPercent => MemoryTotalBytes is > 0 && MemoryAvailableBytes is { } available
        ? 100.0 * (MemoryTotalBytes.Value - available) / MemoryTotalBytes.Value
        : null;

    /// <summary>Whether the SoC is throttled now; null where the board does not say.</summary>
    public bool? Throttled => ThrottledFlags is { } flags ? SocThermal.IsThrottled(flags) : null;
}
