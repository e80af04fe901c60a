using System.Runtime.ExceptionServices;

namespace EdgeNode.Outbox;

/// <summary>
/// The delivered marks of one drain, committed in groups: PUBACKs that arrive while a commit runs wait for the next
/// one, so thousands of acknowledgements cost a few transactions and the publishing loop never waits for a commit.
/// A row is added only after its PUBACK, so a crash before its group commits sends it again (at least once); it is
/// never marked without one.
/// </summary>
internal sealed class DeliveryMarks(IOutboxStore store)
{
    private readonly Lock _gate = new();
    private List<long> _pending = [];
    private TaskCompletionSource _groupCommitted = NewSignal();
    private int _inCommit;
    private bool _running;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Acknowledged rows whose delivered mark is not committed yet (waiting or in the commit running).</summary>
    public int Unmarked
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _inCommit;
            }
        }
    }

    /// <summary>Records the PUBACK of <paramref name="seq"/>; its mark joins the next group commit.</summary>
    public void Add(long seq)
    {
        lock (_gate)
        {
            _pending.Add(seq);
            if (_running || _failure is not null)
            {
                return;
            }

            _running = true;
        }

        // On the pool: the caller is a PUBACK's continuation, which must not wait for the first commit to be queued.
        _ = Task.Run(CommitLoopAsync);
    }

    /// <summary>
    /// Waits while more than <paramref name="maxUnmarked"/> acknowledged rows are not committed as delivered, so memory
    /// and the rows a crash would send again stay bounded when the disk is slower than the broker; throws the commit's error.
    /// </summary>
    public async Task WaitForRoomAsync(int maxUnmarked)
    {
        while (true)
        {
            Task committed;
            lock (_gate)
            {
                _failure?.Throw();
                if (_pending.Count + _inCommit <= maxUnmarked || !_running)
                {
                    return;
                }

                committed = _groupCommitted.Task;
            }

            await committed;
        }
    }

    /// <summary>Waits until every mark added so far is committed; throws the first commit error.</summary>
    public Task FlushAsync() => WaitForRoomAsync(0);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task CommitLoopAsync()
    {
        while (true)
        {
            List<long> group;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                group = _pending;
                _inCommit = group.Count;
                _pending = new List<long>(group.Count);
            }

            ExceptionDispatchInfo? failure = null;
            try
            {
                // Not cancelled: a mark for a PUBACK received is written even while the node stops.
                await store.MarkDeliveredAsync(group, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Kept and rethrown to the drain: the rows stay undelivered and are sent again.
                failure = ExceptionDispatchInfo.Capture(ex);
            }

            TaskCompletionSource committed;
            lock (_gate)
            {
                // The next group's waiters get a fresh signal before this one fires, so nobody waits on a completed one.
                _inCommit = 0;
                _failure ??= failure;
                _running = failure is null;
                committed = _groupCommitted;
                _groupCommitted = NewSignal();
            }

            committed.TrySetResult();
            if (failure is not null)
            {
                return;
            }
        }
    }
}
