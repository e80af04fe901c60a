using EdgeNode.Core;

namespace EdgeNode.Storage;

/// <summary>What a queued write does.</summary>
internal enum WriteKind
{
    Append,
    MarkDelivered,
    ReportDrops,
    Maintenance,
}

/// <summary>One caller's write, queued for the group-commit writer; completes when its transaction committed.</summary>
internal sealed class WriteRequest
{
    private WriteRequest(WriteKind kind, int items)
    {
        Kind = kind;
        Items = items;
    }

    public WriteKind Kind { get; }

    /// <summary>Rows this request writes, to size transactions.</summary>
    public int Items { get; }

    public IReadOnlyList<PendingMessage> Messages { get; private init; } = [];

    public IReadOnlyCollection<long> Seqs { get; private init; } = [];

    public Func<long, long, PendingMessage>? Report { get; private init; }

    /// <summary>Completes with the request's result (rows inserted, rows marked, drops reported).</summary>
    public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static WriteRequest Append(IReadOnlyList<PendingMessage> messages) => new(WriteKind.Append, messages.Count) { Messages = messages };

    public static WriteRequest MarkDelivered(IReadOnlyCollection<long> seqs) => new(WriteKind.MarkDelivered, seqs.Count) { Seqs = seqs };

    public static WriteRequest ReportDrops(Func<long, long, PendingMessage> report) => new(WriteKind.ReportDrops, 1) { Report = report };

    public static WriteRequest Maintenance() => new(WriteKind.Maintenance, 1);
}
