namespace EdgeNode.Inference.Updates;

/// <summary>
/// The one chunked transfer a node accepts at a time. Chunks arrive on the MQTT receive thread, commands on the
/// command worker and expiry on a timer, so every access is under one lock. A transfer without progress for
/// <c>timeout</c> (monotonic clock) is discarded with its partial file. A transfer is opened only when the model's
/// file system keeps <c>minFreeBytes</c> free after the model is pre-allocated (it is the database's too).
/// </summary>
public sealed class ModelTransferSlot(InstalledModels store, TimeProvider time, TimeSpan timeout, long minFreeBytes = 0) : IDisposable
{
    private const int MaxMissingReported = 100;
    private readonly Lock _gate = new();
    private ModelTransfer? _open;

    /// <summary>
    /// Opens a transfer for a verified manifest, or returns the open one when it is for the same model and chunk size
    /// (a sender resuming after a lost connection sends only the missing chunks).
    /// </summary>
    /// <exception cref="ModelUpdateException"><c>busy</c>: a transfer of another model is open; <c>invalid_argument</c>: too many chunks; <c>insufficient_space</c>.</exception>
    public TransferStatus Open(SignedManifest update, string keyId, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            if (_open is { } open)
            {
                if (open.ChunkSize == chunkSize && open.Update.Manifest.ToCanonicalJson().AsSpan().SequenceEqual(update.Manifest.ToCanonicalJson()))
                {
                    return StatusOf(open);
                }

                throw new ModelUpdateException(ModelUpdateErrors.Busy, $"Transfer {open.Id} ({open.Update.Manifest.Name} {open.Update.Manifest.Version}) is open; commit or abort it first.");
            }

            CheckSpace(update.Manifest.Size);
            _open = new ModelTransfer(update, keyId, store.NewTransferPath(update.Manifest.TransferId), chunkSize, time.GetTimestamp());
            return StatusOf(_open);
        }
    }

    /// <summary>Adds one framed chunk to transfer <paramref name="transferId"/>; false for a duplicate.</summary>
    /// <exception cref="InvalidDataException">No such open transfer, or a chunk that does not fit it.</exception>
    public bool Add(string transferId, ReadOnlySpan<byte> chunk)
    {
        lock (_gate)
        {
            if (_open is not { } open || open.Id != transferId)
            {
                throw new InvalidDataException($"No open transfer {transferId}.");
            }

            return open.Add(chunk, time.GetTimestamp());
        }
    }

    /// <summary>Closes a complete transfer and hands it over (its file is the caller's to delete).</summary>
    /// <exception cref="ModelUpdateException"><c>unknown_transfer</c> or <c>incomplete</c> (the transfer stays open).</exception>
    public ModelTransfer Take(string transferId)
    {
        lock (_gate)
        {
            var open = Find(transferId);
            if (!open.IsComplete)
            {
                var missing = open.Missing(10);
                throw new ModelUpdateException(ModelUpdateErrors.Incomplete, $"{open.ChunkCount - open.Received} of {open.ChunkCount} chunks are missing (first: {string.Join(", ", missing)}); send them and commit again.");
            }

            _open = null;
            open.Detach();
            return open;
        }
    }

    /// <summary>Discards transfer <paramref name="transferId"/> and its partial file.</summary>
    /// <exception cref="ModelUpdateException"><c>unknown_transfer</c>.</exception>
    public void Abort(string transferId)
    {
        lock (_gate)
        {
            Find(transferId).Dispose();
            _open = null;
        }
    }

    /// <summary>The open transfer, or null.</summary>
    public TransferStatus? Status()
    {
        lock (_gate)
        {
            return _open is { } open ? StatusOf(open) : null;
        }
    }

    /// <summary>Discards the open transfer when it made no progress for the timeout; returns its id, or null.</summary>
    public string? Expire()
    {
        lock (_gate)
        {
            if (_open is not { } open || time.GetElapsedTime(open.LastActivity) < timeout)
            {
                return null;
            }

            open.Dispose();
            _open = null;
            return open.Id;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _open?.Dispose();
            _open = null;
        }
    }

    private void CheckSpace(long size)
    {
        System.IO.Directory.CreateDirectory(store.Directory);
        var free = new DriveInfo(store.Directory).AvailableFreeSpace;
        if (free - size < minFreeBytes)
        {
            throw new ModelUpdateException(ModelUpdateErrors.InsufficientSpace, $"{store.Directory} has {free / (1 << 20)} MiB free; a {size / (1 << 20)} MiB model would leave less than {minFreeBytes / (1 << 20)} MiB (EdgeNode:Models:MinFreeMegabytes) for the database and the node.");
        }
    }

    private static TransferStatus StatusOf(ModelTransfer t) =>
        new(t.Id, t.Update.Manifest.Name, t.Update.Manifest.Version, t.Update.Manifest.Size, t.ChunkSize, t.ChunkCount, t.Received, t.Rejected, t.Missing(MaxMissingReported));

    private ModelTransfer Find(string transferId) =>
        _open is { } open && open.Id == transferId
            ? open
            : throw new ModelUpdateException(ModelUpdateErrors.UnknownTransfer, $"No open transfer {transferId} (never begun, already committed or aborted, or timed out).");
}
