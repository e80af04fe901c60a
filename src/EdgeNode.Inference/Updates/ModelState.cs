using System.Text.Json.Serialization;

namespace EdgeNode.Inference.Updates;

/// <summary>The active and previous model, persisted in <c>state.json</c> so that a restart comes back on the active one.</summary>
/// <param name="Active">The model the node runs.</param>
/// <param name="Previous">The model <c>rollback</c> returns to, or null.</param>
/// <param name="Highest">
/// The highest version ever installed per model name (<see cref="ModelVersionOrder"/>): a lower one is refused as
/// <c>downgrade</c> unless its manifest carries a signed override. Kept across rollbacks and restarts.
/// </param>
public sealed record ModelState(ModelRef Active, ModelRef? Previous, IReadOnlyDictionary<string, string>? Highest = null)
{
    /// <summary>The highest version installed of <paramref name="name"/>, or null.</summary>
    public string? HighestOf(string name) => Highest is { } highest && highest.TryGetValue(name, out var version) ? version : null;

    /// <summary>This state with <paramref name="manifest"/>'s version recorded when it is higher than the highest so far.</summary>
    public IReadOnlyDictionary<string, string> Raise(UpdateManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var highest = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, version) in Highest ?? new Dictionary<string, string>())
        {
            highest[name] = version;
        }

        if (HighestOf(manifest.Name) is not { } known || ModelVersionOrder.Compare(manifest.Version, known) > 0)
        {
            highest[manifest.Name] = manifest.Version;
        }

        return highest;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ModelState))]
internal sealed partial class ModelStateJsonContext : JsonSerializerContext;
