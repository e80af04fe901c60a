namespace EdgeNode.Web;

/// <summary>The regions set before the current one since the node started (most recent last), for undo.</summary>
internal sealed class RegionHistory
{
    private const int Depth = 20;
    private readonly Lock _gate = new();
    private readonly LinkedList<Rectangle?> _previous = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _previous.Count;
            }
        }
    }

    public void Push(Rectangle? region)
    {
        lock (_gate)
        {
            _previous.AddLast(region);
            if (_previous.Count > Depth)
            {
                _previous.RemoveFirst();
            }
        }
    }

    public bool TryPop(out Rectangle? region)
    {
        lock (_gate)
        {
            region = null;
            if (_previous.Last is not { } last)
            {
                return false;
            }

            region = last.Value;
            _previous.RemoveLast();
            return true;
        }
    }
}
