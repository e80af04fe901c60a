using System.Numerics.Tensors;

namespace EdgeNode.Learning;

/// <summary>SGD with (heavy-ball) momentum.</summary>
internal sealed class SgdOptimizer(int count, float momentum) : IParameterOptimizer
{
    private readonly float[] _velocity = new float[count];

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate)
    {
        TensorPrimitives.Multiply(_velocity, momentum, _velocity);
        TensorPrimitives.Add(_velocity, gradient, _velocity);
        TensorPrimitives.MultiplyAdd(_velocity, -learningRate, parameters, parameters);
    }
}
