using System.Threading.Channels;
using EdgeNode.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Storage;

/// <summary>
/// Group commit: every write (appends, delivery marks, drop reports, retention) is queued and one loop
/// commits whatever is queued in one transaction, so many small writers cost one commit. A caller's
/// task completes only after its transaction committed. The size cap is enforced inside each transaction.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Retention _retention;
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<WriteRequest> _queue = Channel.CreateUnbounded<WriteRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _stateGate = new();
    private readonly WriterCommands _commands;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Task _maintenance;
    private WriterState _state;
    private bool _full;
    private long _writeFailures;

    public SqliteWriter(SqliteConnection connection, Retention retention, WriterState state, StorageOptions options, TimeProvider time, ILogger logger)
    {
        _connection = connection;
        _retention = retention;
        _state = state;
        _options = options;
        _time = time;
        _logger = logger;
        _commands = new WriterCommands(connection);
        _loop = Task.Run(LoopAsync);
        _maintenance = Task.Run(() => MaintenanceLoopAsync(_stop.Token));
    }

    /// <summary>A consistent snapshot of the in-memory state plus the failure flags.</summary>
    public (WriterState State, bool Full, long WriteFailures) Snapshot()
    {
        lock (_stateGate)
        {
            return (_state, _full, _writeFailures);
        }
    }

    /// <summary>Queues <paramref name="request"/> and waits for its commit (the write is not undone by cancellation).</summary>
    public async ValueTask<long> WriteAsync(WriteRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(request), typeof(SqliteOutboxStore));

        return await request.Done.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        await _loop;
        await _maintenance;
        _commands.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var batch = new List<WriteRequest>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            var items = 0;
            while (items < _options.MaxBatchItems && _queue.Reader.TryRead(out var request))
            {
                batch.Add(request);
                items += request.Items;
            }

            Commit(batch);
        }
    }

    private async Task MaintenanceLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.MaintenanceIntervalSeconds), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                _queue.Writer.TryWrite(WriteRequest.Maintenance());
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void Commit(List<WriteRequest> batch)
    {
        (WriterState State, long[] Results) outcome;
        try
        {
            outcome = Apply(batch, makeRoom: false);
        }
        catch (SqliteException ex) when (SqliteErrors.IsFull(ex))
        {
            // Evict what the policy allows, then try once more; a second failure fails the batch.
            try
            {
                outcome = Apply(batch, makeRoom: true);
            }
            catch (SqliteException again)
            {
                Fail(batch, again);
                return;
            }
        }
        catch (SqliteException ex)
        {
            Fail(batch, ex);
            return;
        }

        var recovered = -1L;
        lock (_stateGate)
        {
            ReportDrops(_state, outcome.State);
            _state = outcome.State;
            if (_full && batch.Exists(r => r.Kind == WriteKind.Append))
            {
                _full = false;
                recovered = _writeFailures;
            }
        }

        if (recovered >= 0)
        {
            Log.StorageRecovered(_logger, recovered);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Done.TrySetResult(outcome.Results[i]);
        }
    }

    private (WriterState State, long[] Results) Apply(List<WriteRequest> batch, bool makeRoom)
    {
        WriterState before;
        lock (_stateGate)
        {
            before = _state;
        }

        var state = before.Copy();
        var results = new long[batch.Count];
        using var transaction = _connection.BeginTransaction();
        _commands.Bind(transaction);
        if (makeRoom)
        {
            var used = _retention.UsedPages(transaction);
            Count(state, _retention.EvictTo(transaction, Math.Min(_retention.Budget.LowWaterPages, used - _retention.Budget.EvictPages)));
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            results[i] = request.Kind switch
            {
                WriteKind.Append => _commands.Insert(request.Messages, state),
                WriteKind.MarkDelivered => _commands.Mark(request.Seqs, _time.GetUtcNow().ToUnixTimeMilliseconds(), state),
                WriteKind.ReportDrops => InsertReport(request.Report!, state),
                _ => Prune(transaction),
            };
        }

        if (_retention.UsedPages(transaction) > _retention.Budget.HighWaterPages)
        {
            Count(state, _retention.EvictTo(transaction, _retention.Budget.LowWaterPages));
        }

        foreach (var (kind, sequence) in state.Sequences)
        {
            if (sequence != before.Sequences.GetValueOrDefault(kind))
            {
                _commands.SetCounter(SqliteOutboxStore.SequenceCounter(kind), sequence);
            }
        }

        if (state.Dropped != before.Dropped || state.UnreportedDrops != before.UnreportedDrops)
        {
            _commands.SetCounter(SqliteOutboxStore.DroppedCounter, state.Dropped);
            _commands.SetCounter(SqliteOutboxStore.UnreportedCounter, state.UnreportedDrops);
        }

        transaction.Commit();
        return (state, results);
    }

    private long InsertReport(Func<long, long, PendingMessage> report, WriterState state)
    {
        var count = state.UnreportedDrops;
        if (count == 0)
        {
            return 0;
        }

        var message = report(count, state.Sequences.GetValueOrDefault(MessageKind.Event) + 1);
        _commands.Insert([message], state);
        state.UnreportedDrops = 0;
        return count;
    }

    private long Prune(SqliteTransaction transaction)
    {
        var cutoff = _time.GetUtcNow() - TimeSpan.FromHours(_options.DeliveredRetentionHours);
        var pruned = _retention.PruneDelivered(transaction, cutoff.ToUnixTimeMilliseconds());
        if (pruned > 0)
        {
            Log.Pruned(_logger, pruned, cutoff);
        }

        return pruned;
    }

    private static void Count(WriterState state, Dictionary<MessageKind, long> dropped)
    {
        foreach (var (_, count) in dropped)
        {
            state.Pending -= count;
            state.Dropped += count;
            state.UnreportedDrops += count;
        }
    }

    private void ReportDrops(WriterState before, WriterState after)
    {
        if (after.Dropped > before.Dropped)
        {
            Log.Dropped(_logger, after.Dropped - before.Dropped, "result/sensor", after.Dropped);
        }
    }

    private void Fail(List<WriteRequest> batch, SqliteException ex)
    {
        var full = SqliteErrors.IsFull(ex);
        var appended = batch.Where(r => r.Kind == WriteKind.Append).Sum(r => r.Items);
        bool firstFailure;
        lock (_stateGate)
        {
            _writeFailures += appended;
            firstFailure = full && !_full;
            _full |= full;
        }

        if (firstFailure)
        {
            Log.StorageFull(_logger, appended, ex.Message);
        }
        else if (!full)
        {
            Log.WriteFailed(_logger, batch.Count, ex.Message);
        }

        Exception error = full ? new StorageFullException($"Storage full: {ex.Message}", ex)
            : SqliteErrors.IsDamage(ex) ? new StorageDamagedException($"Database {_options.Path} is damaged: the write failed ({ex.Message}).", ex)
            : new IOException($"Storage write failed: {ex.Message}", ex);
        foreach (var request in batch)
        {
            request.Done.TrySetException(error);
        }
    }
}
