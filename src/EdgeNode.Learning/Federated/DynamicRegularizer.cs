using System.Numerics.Tensors;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// The aggregator's side of FedDyn (Acar et al. 2021, algorithm 1, every node taking part): a running state
/// h ← h − α·Δ̄ of the mean deltas, and the applied step Δ̄ − h/α. The nodes' linear terms make their local optima
/// drift; h sums that drift and takes it back out of the global head. Not thread-safe; the round coordinator owns it.
/// </summary>
public sealed class DynamicRegularizer
{
    private float[] _state = [];

    /// <summary>Turns the mean delta of a round into the step to apply, in place.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="alpha"/> is not positive.</exception>
    public void Correct(Span<float> meanDelta, float alpha)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        if (_state.Length != meanDelta.Length)
        {
            // A new layout (a class was added) or the first round: the state starts again from zero.
            _state = new float[meanDelta.Length];
        }

        TensorPrimitives.MultiplyAdd(meanDelta, -alpha, _state, _state);
        TensorPrimitives.MultiplyAdd(_state, -1 / alpha, meanDelta, meanDelta);
    }
}
