using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Outbox;

/// <summary>Options bound from <c>EdgeNode:Outbox</c>: how the store-and-forward publisher drains (docs/storage.md).</summary>
public sealed class OutboxOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Outbox";

    /// <summary>
    /// Messages per second for the backlog found at a (re)connect (<c>EdgeNode__Outbox__BacklogMessagesPerSecond</c>);
    /// live items go out beside it unthrottled. 0 means unlimited.
    /// </summary>
    [Range(0, 1_000_000)]
    public double BacklogMessagesPerSecond { get; set; } = 5000;

    /// <summary>
    /// QoS 1 publishes awaiting the broker's acknowledgement at once, per lane (<c>EdgeNode__Outbox__MaxInFlight</c>);
    /// the drain keeps the window full across batches. After a SIGKILL at most <c>2 × (MaxInFlight + BatchSize)</c>
    /// acknowledged rows are sent again.
    /// </summary>
    [Range(1, 65_535)]
    public int MaxInFlight { get; set; } = 64;

    /// <summary>
    /// Rows read from the database per step (<c>EdgeNode__Outbox__BatchSize</c>), the next batch while the current one is
    /// in flight; memory stays flat whatever the backlog.
    /// </summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1024;
}
