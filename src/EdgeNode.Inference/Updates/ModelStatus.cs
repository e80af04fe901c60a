using EdgeNode.Core;

namespace EdgeNode.Inference.Updates;

/// <summary>The <c>status</c> of model updates.</summary>
/// <param name="Active">The model running now.</param>
/// <param name="Previous">The model <c>rollback</c> returns to, or null.</param>
/// <param name="Health"><c>none</c> (no swap yet), <c>pending</c>, <c>passed</c> or <c>failed</c>: the last swap's health check.</param>
/// <param name="HealthReason">Why the last health check failed, or null.</param>
/// <param name="Transfer">The open chunked transfer, or null.</param>
/// <param name="TrustedKeys">Number of trusted model-signing keys.</param>
public sealed record ModelStatus(ModelInfo Active, ModelInfo? Previous, string Health, string? HealthReason, TransferStatus? Transfer, int TrustedKeys);
