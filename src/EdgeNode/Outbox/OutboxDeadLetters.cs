namespace EdgeNode.Outbox;

/// <summary>Outbox items the broker refused and that were dead-lettered since start (telemetry <c>deadLettered</c>).</summary>
internal sealed class OutboxDeadLetters
{
    private long _count;

    /// <summary>Dead-lettered items since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Counts one more.</summary>
    public void Add() => Interlocked.Increment(ref _count);
}
