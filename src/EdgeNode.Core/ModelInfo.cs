namespace EdgeNode.Core;

/// <summary>
/// The one descriptor of a backbone model: what results, telemetry, the <c>model</c> command's status and install
/// reports say about it. Manifest entries and signed update manifests are file formats that become one of these.
/// </summary>
/// <param name="Id">Manifest id, e.g. <c>resnet18-int8</c> (results' <c>model</c>, the <c>model</c> command's <c>name</c>).</param>
/// <param name="Sha256">Hex SHA-256 of the model file (verified at load).</param>
/// <param name="ExecutionProvider">Execution provider the session actually runs on (<c>CPU</c>, <c>CUDA</c>, <c>TensorRT</c>); empty for a model that is described but not loaded (the previous model of a status).</param>
/// <param name="EmbeddingSize">Length of the embedding vector.</param>
/// <param name="Version">Version of a model installed by a signed update; null for a packaged model without one.</param>
/// <param name="Source"><see cref="Packaged"/> or <see cref="Installed"/>.</param>
/// <param name="Threads">How the session's intra-op thread count was chosen; null when the engine has no such setting.</param>
/// <param name="InputSize">Side of the square image the model takes (0: unknown); a JPEG need not be decoded larger.</param>
/// <param name="MaxBatch">Frames one run can take: more than 1 only when the model's input has a dynamic batch dimension.</param>
public sealed record ModelInfo(string Id, string Sha256, string ExecutionProvider, int EmbeddingSize, string? Version = null, string Source = ModelInfo.Packaged, ThreadChoice? Threads = null, int MaxBatch = 1, int InputSize = 0)
{
    /// <summary>Shipped with the node (<c>models/manifest.json</c>).</summary>
    public const string Packaged = "packaged";

    /// <summary>Installed by a signed update.</summary>
    public const string Installed = "installed";
}
