namespace EdgeNode.Learning.Discriminant;

/// <summary>What a discriminant fit chose.</summary>
/// <param name="Shrinkage">OAS weight ρ of the scaled identity (0: the sample covariance, 1: nearest class mean).</param>
/// <param name="DegreesOfFreedom">Samples minus classes, the n of the pooled within-class covariance.</param>
/// <param name="Classes">Classes with at least one sample (the head's outputs).</param>
public sealed record DiscriminantReport(double Shrinkage, double DegreesOfFreedom, int Classes);
