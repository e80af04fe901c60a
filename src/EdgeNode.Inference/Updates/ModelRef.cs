using System.Text.Json.Serialization;
using EdgeNode.Core;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// Where a model is kept, as <c>state.json</c> names it: an entry of the packaged <c>models/manifest.json</c>, or an
/// installed update's directory. What the model is, is its <see cref="ModelInfo"/>.
/// </summary>
/// <param name="Source"><see cref="ModelInfo.Packaged"/> or <see cref="ModelInfo.Installed"/>.</param>
/// <param name="Name">The packaged entry's id, or the installed model's directory name.</param>
public sealed record ModelRef(string Source, string Name)
{
    /// <summary>True for an installed update.</summary>
    [JsonIgnore]
    public bool IsInstalled => Source == ModelInfo.Installed;
}
