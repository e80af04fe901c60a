using System.Numerics.Tensors;

namespace EdgeNode.Learning;

/// <summary>Adam with bias correction, vectorised over the whole parameter vector.</summary>
internal sealed class AdamOptimizer(int count, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f) : IParameterOptimizer
{
    private readonly float[] _m = new float[count];
    private readonly float[] _v = new float[count];
    private readonly float[] _tmp = new float[count];
    private double _beta1Power = 1;
    private double _beta2Power = 1;

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate)
    {
        _beta1Power *= beta1;
        _beta2Power *= beta2;
        var step = (float)(learningRate * Math.Sqrt(1 - _beta2Power) / (1 - _beta1Power));

        TensorPrimitives.Multiply(_m, beta1, _m);
        TensorPrimitives.MultiplyAdd(gradient, 1 - beta1, _m, _m);
        TensorPrimitives.Multiply(gradient, gradient, _tmp);
        TensorPrimitives.Multiply(_v, beta2, _v);
        TensorPrimitives.MultiplyAdd(_tmp, 1 - beta2, _v, _v);

        TensorPrimitives.Sqrt(_v, _tmp);
        TensorPrimitives.Add(_tmp, epsilon, _tmp);
        TensorPrimitives.Divide(_m, _tmp, _tmp);
        TensorPrimitives.MultiplyAdd(_tmp, -step, parameters, parameters);
    }
}
