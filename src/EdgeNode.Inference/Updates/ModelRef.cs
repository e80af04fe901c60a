namespace EdgeNode.Inference.Updates;

/// <summary>Which model: an entry of the packaged <c>models/manifest.json</c>, or an installed update's directory.</summary>
/// <param name="Source"><see cref="Packaged"/> or <see cref="Installed"/>.</param>
/// <param name="Name">The packaged entry's id, or the installed model's directory name.</param>
public sealed record ModelRef(string Source, string Name)
{
    /// <summary>Shipped with the node.</summary>
    public const string Packaged = "packaged";

    /// <summary>Installed by a signed update.</summary>
    public const string Installed = "installed";

    /// <summary>True for an installed update.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsInstalled => Source == Installed;
}
