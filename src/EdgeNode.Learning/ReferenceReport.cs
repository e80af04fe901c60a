namespace EdgeNode.Learning;

/// <summary>How the full-batch reference fit ended.</summary>
/// <param name="Iterations">L-BFGS iterations.</param>
/// <param name="Loss">Final regularised mean loss.</param>
/// <param name="GradientNorm">Final max-norm of the gradient.</param>
/// <param name="Converged">True when the gradient norm fell below the tolerance.</param>
public sealed record ReferenceReport(int Iterations, double Loss, double GradientNorm, bool Converged);
