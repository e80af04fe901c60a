namespace EdgeNode.Learning;

/// <summary>Updates a flat parameter vector from its gradient.</summary>
internal interface IParameterOptimizer
{
    void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate);
}
