namespace EdgeNode.Storage;

/// <summary>
/// Damage found while running (SQLite <c>CORRUPT</c>/<c>NOTADB</c> on the drain's reads and delivery marks): counts
/// the failed operations, the undelivered items in the damaged file, and the run of failures, which clears only once
/// the drain gets past the places that failed. Every session reads and marks the healthy start of the backlog again,
/// and the live lane keeps working on fresh pages: neither says anything about the damage further on.
/// </summary>
internal sealed class DamageTracker
{
    private readonly Lock _gate = new();
    private long _total;
    private long _inARow;
    private long _lost;
    private long? _readAfter;
    private long? _markSeq;

    /// <summary>Damaged operations since start, those since the run last cleared, and the undelivered items at the latest.</summary>
    public (long Total, long InARow, long Lost) Snapshot()
    {
        lock (_gate)
        {
            return (_total, _inARow, _lost);
        }
    }

    /// <summary>A read of rows after <paramref name="afterSeq"/> failed; true for the first failure of a run.</summary>
    public bool ReadFailed(long afterSeq, long pending)
    {
        lock (_gate)
        {
            _readAfter = afterSeq;
            return Add(pending);
        }
    }

    /// <summary>Marking rows from <paramref name="lowestSeq"/> on failed; true for the first failure of a run.</summary>
    public bool MarkFailed(long lowestSeq, long pending)
    {
        lock (_gate)
        {
            _markSeq = lowestSeq;
            return Add(pending);
        }
    }

    /// <summary>A read after <paramref name="afterSeq"/> returned <paramref name="count"/> of at most <paramref name="max"/> rows, the last <paramref name="lastSeq"/>; the failures cleared, if this ended a run.</summary>
    public long? ReadSucceeded(long afterSeq, int count, int max, long lastSeq)
    {
        lock (_gate)
        {
            // Past the failed read only when it covered the row after the failed position (or reached the end).
            if (_readAfter is { } failed && afterSeq <= failed && (count < max || lastSeq > failed))
            {
                _readAfter = null;
                return ClearWhenPast();
            }

            return null;
        }
    }

    /// <summary>Rows <paramref name="lowestSeq"/> to <paramref name="highestSeq"/> were marked; the failures cleared, if this ended a run.</summary>
    public long? MarkSucceeded(long lowestSeq, long highestSeq)
    {
        lock (_gate)
        {
            if (_markSeq is { } failed && lowestSeq <= failed && failed <= highestSeq)
            {
                _markSeq = null;
                return ClearWhenPast();
            }

            return null;
        }
    }

    private bool Add(long pending)
    {
        _total++;
        _lost = pending;
        return ++_inARow == 1;
    }

    private long? ClearWhenPast()
    {
        if (_readAfter is not null || _markSeq is not null || _inARow == 0)
        {
            return null;
        }

        var run = _inARow;
        _inARow = 0;
        return run;
    }
}
