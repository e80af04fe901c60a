namespace EdgeNode.Inference.Updates;

/// <summary>A model as the <c>model</c> command reports it.</summary>
/// <param name="Name">Model id (results' <c>model</c>).</param>
/// <param name="Version">Version (results' <c>modelVersion</c>), null for a packaged model.</param>
/// <param name="Sha256">SHA-256 of its file.</param>
/// <param name="Source"><c>packaged</c> or <c>installed</c>.</param>
public sealed record ModelDescription(string Name, string? Version, string Sha256, string Source);
