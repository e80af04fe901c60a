using EdgeNode.Common;
using EdgeNode.Core;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// The pipeline's engine, whose model can be replaced while frames flow. Each call takes a reference on the current
/// engine, so a swap never cancels or breaks a call in flight: the replaced engine is disposed when its last call ends.
/// After a swap the previous engine is kept until the new one's first inferences succeed (the health check); if one of
/// them throws or returns NaN or infinity, the previous engine is restored at once and the same frame runs on it.
/// Owns every engine handed to it (disposes those that are <see cref="IDisposable"/>).
/// </summary>
public sealed class SwappableInferenceEngine : IInferenceEngine, IDisposable
{
    private readonly Lock _gate = new();
    private Lease _current;
    private bool _disposed;

    /// <summary>Starts on <paramref name="initial"/>.</summary>
    public SwappableInferenceEngine(IInferenceEngine initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = new Lease(initial, null);
    }

    /// <inheritdoc />
    public ModelInfo Model => Volatile.Read(ref _current).Engine.Model;

    /// <inheritdoc />
    public ModelInfo Embed(Frame frame, Span<float> embedding)
    {
        var lease = Acquire();
        try
        {
            ModelInfo model;
            try
            {
                model = lease.Engine.Embed(frame, embedding);
            }
            catch (Exception ex) when (lease.Probation is not null && ex is not (InvalidDataException or ArgumentException or OperationCanceledException))
            {
                // Not swallowed: the new model failed a real frame, which fails its health check; the frame runs on the restored model.
                Revert(lease, "an inference failed: " + ex.Message);
                return Embed(frame, embedding);
            }

            if (lease.Probation is { } probation)
            {
                if (!EmbeddingGuard.IsFinite(embedding[..model.EmbeddingSize]))
                {
                    Revert(lease, "an inference returned NaN or infinity");
                    return Embed(frame, embedding);
                }

                if (probation.Succeeded())
                {
                    Promote(lease);
                }
            }

            return model;
        }
        finally
        {
            lease.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>While a new model is on probation its frames run one at a time, each checked as <see cref="Embed"/> checks it.</remarks>
    public ModelInfo EmbedBatch(IReadOnlyList<Frame> frames, Span<float> embeddings)
    {
        var lease = Acquire();
        try
        {
            return lease.Probation is null ? lease.Engine.EmbedBatch(frames, embeddings) : IInferenceEngine.EmbedEach(this, frames, embeddings);
        }
        finally
        {
            lease.Release();
        }
    }

    /// <summary>
    /// Makes <paramref name="next"/> the engine for every later call. With <paramref name="healthInferences"/> &gt; 0
    /// the current engine is kept until that many inferences of <paramref name="next"/> succeeded; the task ends with the verdict.
    /// </summary>
    public Task<HealthVerdict> Swap(IInferenceEngine next, int healthInferences)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentOutOfRangeException.ThrowIfNegative(healthInferences);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var old = _current;
            if (old.Probation is { } pending)
            {
                old.Probation = null;
                pending.Fallback.Release();
                pending.Verdict.TrySetResult(new HealthVerdict(HealthOutcome.Superseded));
            }

            var probation = healthInferences > 0 ? new Probation(old, healthInferences) : null;
            Volatile.Write(ref _current, new Lease(next, probation));
            if (probation is null)
            {
                old.Release();
                return Task.FromResult(new HealthVerdict(HealthOutcome.Passed));
            }

            return probation.Verdict.Task;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_current.Probation is { } pending)
            {
                _current.Probation = null;
                pending.Fallback.Release();
                pending.Verdict.TrySetResult(new HealthVerdict(HealthOutcome.Superseded));
            }

            _current.Release();
        }
    }

    private Lease Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var lease = Volatile.Read(ref _current);
            if (lease.TryAddReference())
            {
                return lease;
            }

            // That engine was just replaced and released; the next read sees its successor.
        }
    }

    private void Promote(Lease lease)
    {
        lock (_gate)
        {
            if (lease.Probation is not { } probation)
            {
                return;
            }

            lease.Probation = null;
            probation.Fallback.Release();
            probation.Verdict.TrySetResult(new HealthVerdict(HealthOutcome.Passed));
        }
    }

    private void Revert(Lease lease, string reason)
    {
        lock (_gate)
        {
            if (lease.Probation is not { } probation || !ReferenceEquals(_current, lease))
            {
                return;
            }

            lease.Probation = null;
            Volatile.Write(ref _current, probation.Fallback);
            lease.Release();
            probation.Verdict.TrySetResult(new HealthVerdict(HealthOutcome.Failed, reason));
        }
    }

    /// <summary>An engine and the references held on it: one by the swapper while it is current or a fallback, one per call in flight.</summary>
    private sealed class Lease(IInferenceEngine engine, Probation? probation)
    {
        private int _references = 1;
        private volatile Probation? _probation = probation;

        public IInferenceEngine Engine { get; } = engine;

        public Probation? Probation
        {
            get => _probation;
            set => _probation = value;
        }

        public bool TryAddReference()
        {
            var seen = Volatile.Read(ref _references);
            while (seen > 0)
            {
                var was = Interlocked.CompareExchange(ref _references, seen + 1, seen);
                if (was == seen)
                {
                    return true;
                }

                seen = was;
            }

            return false;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _references) == 0)
            {
                (Engine as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>A health check in progress: the engine to go back to and the inferences still to succeed.</summary>
    private sealed class Probation(Lease fallback, int inferences)
    {
        private int _left = inferences;

        public Lease Fallback { get; } = fallback;

        public TaskCompletionSource<HealthVerdict> Verdict { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Succeeded() => Interlocked.Decrement(ref _left) == 0;
    }
}
