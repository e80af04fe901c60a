namespace EdgeNode.Core;

/// <summary>One inference on one frame, as stored and published.</summary>
/// <param name="Id">Stable unique id (consumers de-duplicate on it).</param>
/// <param name="Seq">Per-node increasing sequence number (consumers detect gaps with it).</param>
/// <param name="Timestamp">Capture time of the frame (UTC).</param>
/// <param name="ModelId">Backbone model id.</param>
/// <param name="Label">Predicted class, or <see langword="null"/> while no head has been trained.</param>
/// <param name="Confidence">Head confidence for <paramref name="Label"/>, or <see langword="null"/>.</param>
/// <param name="Novelty">Cosine distance of the embedding to the running mean embedding (0 = typical, 2 = opposite).</param>
/// <param name="FrameSeq">Sequence number of the source frame.</param>
/// <param name="LatencyMs">Pre-processing plus inference time.</param>
/// <param name="Cached">True when the change gate reused the previous result instead of running the model.</param>
/// <param name="HeadVersion">Version of the on-device head that produced <paramref name="Label"/>, or <see langword="null"/>.</param>
/// <param name="ModelVersion">Version of the backbone when it was installed by a signed update, or <see langword="null"/>.</param>
/// <param name="Camera">Name of the camera the frame came from (<c>EdgeNode:Cameras:N:Name</c>, or <c>camera</c>).</param>
public sealed record InferenceResult(
    string Id,
    long Seq,
    DateTimeOffset Timestamp,
    string ModelId,
    string? Label,
    double? Confidence,
    double Novelty,
    long FrameSeq,
    double LatencyMs,
    bool Cached = false,
    int? HeadVersion = null,
    string? ModelVersion = null,
    string? Camera = null);
