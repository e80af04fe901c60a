using System.Text.Json.Serialization;

namespace EdgeNode.Inference.Updates;

/// <summary>The active and previous model, persisted in <c>state.json</c> so that a restart comes back on the active one.</summary>
/// <param name="Active">The model the node runs.</param>
/// <param name="Previous">The model <c>rollback</c> returns to, or null.</param>
public sealed record ModelState(ModelRef Active, ModelRef? Previous);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ModelState))]
internal sealed partial class ModelStateJsonContext : JsonSerializerContext;
