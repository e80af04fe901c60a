using EdgeNode.Core;

namespace EdgeNode.Inference.Updates;

/// <summary>What an accepted install or rollback did.</summary>
/// <param name="Model">The model now running.</param>
/// <param name="Previous">The model it replaced (the one <c>rollback</c> returns to).</param>
/// <param name="Shadow">The shadow run, or null for a rollback.</param>
/// <param name="Health"><c>passed</c>, or <c>pending</c> when the health check had not ended when the reply was due.</param>
/// <param name="KeyId">The trusted key that signed the manifest, or null for a rollback.</param>
public sealed record InstallReport(ModelInfo Model, ModelInfo Previous, ShadowReport? Shadow, string Health, string? KeyId);
