using EdgeNode.Core;

namespace EdgeNode.Storage;

/// <summary>
/// The writer's view of the database, kept in memory so telemetry and the pipeline never scan the table.
/// A transaction works on a copy that replaces the current state only after its commit.
/// </summary>
internal sealed class WriterState
{
    public long Pending { get; set; }

    public long LastSeq { get; set; }

    public long Dropped { get; set; }

    public long UnreportedDrops { get; set; }

    public Dictionary<MessageKind, long> Sequences { get; init; } = [];

    public WriterState Copy() => new()
    {
        Pending = Pending,
        LastSeq = LastSeq,
        Dropped = Dropped,
        UnreportedDrops = UnreportedDrops,
        Sequences = new Dictionary<MessageKind, long>(Sequences),
    };
}
