namespace EdgeNode.Inference.Updates;

/// <summary>The end of a health check.</summary>
/// <param name="Outcome">Passed, failed or superseded.</param>
/// <param name="Reason">Why it failed, or null.</param>
public sealed record HealthVerdict(HealthOutcome Outcome, string? Reason = null);
