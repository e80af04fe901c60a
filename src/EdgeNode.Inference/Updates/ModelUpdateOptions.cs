using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Inference.Updates;

/// <summary>Options bound from <c>EdgeNode:Models</c>: signed model updates (docs/models.md).</summary>
public sealed class ModelUpdateOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Models";

    /// <summary>
    /// Trusted model-signing public keys: PEM files, or directories whose <c>*.pem</c> files are all trusted
    /// (<c>EdgeNode__Models__TrustedKeys__0=/etc/edgenode/ops.pem</c>). Empty means <c>keys/models/</c> next to the database.
    /// </summary>
    public IList<string> TrustedKeys { get; set; } = [];

    /// <summary>Directory of installed models and their state; empty means <c>models/</c> next to the database.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The only folder <c>install</c> reads model files from; empty means <c>incoming/</c> next to the database.</summary>
    public string IncomingPath { get; set; } = string.Empty;

    /// <summary>Largest model accepted, in bytes.</summary>
    [Range(1024, int.MaxValue)]
    public long MaxModelBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>A chunked <c>begin</c> is refused when the model would leave less than this free on its file system (shared with the database).</summary>
    [Range(0, 1_048_576)]
    public long MinFreeMegabytes { get; set; } = 64;

    /// <summary>A chunked transfer without progress for this long is discarded with its partial file.</summary>
    [Range(1, 86_400)]
    public double TransferTimeoutSeconds { get; set; } = 60;

    /// <summary>Frames kept for the shadow run (the snapshot frame is the newest of them).</summary>
    [Range(1, 64)]
    public int ShadowFrames { get; set; } = 8;

    /// <summary>Least capture-time distance between two kept frames, so they show different moments.</summary>
    [Range(0, 3600)]
    public double ShadowFrameSpacingSeconds { get; set; } = 1;

    /// <summary>A new model whose mean embedding cosine against the current one on the kept frames is lower is refused; 0 turns the check off.</summary>
    [Range(0.0, 1.0)]
    public double MinShadowCosine { get; set; } = 0.9;

    /// <summary>A new model on which the active head agrees (top-1) with the current one on fewer of the kept frames is refused; 0 turns the check off.</summary>
    [Range(0.0, 1.0)]
    public double MinHeadAgreement { get; set; } = 0.9;

    /// <summary>Inferences a swapped-in model must pass before the previous one is released; 0 swaps without a check.</summary>
    [Range(0, 10_000)]
    public int HealthCheckInferences { get; set; } = 5;

    /// <summary>How long the command waits for the health check before it replies <c>"health": "pending"</c> (the check goes on).</summary>
    [Range(0, 3600)]
    public double HealthCheckTimeoutSeconds { get; set; } = 30;
}
