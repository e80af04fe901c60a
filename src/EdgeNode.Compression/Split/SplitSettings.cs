namespace EdgeNode.Compression.Split;

/// <summary>The parsed <c>edgenode split</c> command line.</summary>
/// <param name="Model">The whole model.</param>
/// <param name="At">The tensor to cut at, or <c>auto</c>.</param>
/// <param name="Output">The folder for head.onnx, tail.onnx and split.json (created if missing).</param>
/// <param name="LinkMbps">The link's bandwidth, for <c>auto</c> and the report.</param>
/// <param name="PeerSpeed">How many times faster the tail board runs a layer than this one.</param>
/// <param name="Objective"><c>throughput</c> (pipelined, the slowest stage) or <c>latency</c> (the sum of stages).</param>
/// <param name="Calibration">Images for the activation's int8 range and the fidelity check; null: random inputs.</param>
/// <param name="CalibrationCount">Calibration images used.</param>
/// <param name="JpegBytes">Bytes of one encoded frame for the JPEG offload candidate; null: the calibration images' mean size.</param>
/// <param name="Threads">Intra-op threads when measuring layer times.</param>
/// <param name="ProfileRuns">Profiled runs for the layer times.</param>
/// <param name="Json">Print the report as JSON.</param>
public sealed record SplitSettings(
    string Model,
    string At,
    string Output,
    double LinkMbps = 100,
    double PeerSpeed = 1,
    string Objective = "throughput",
    string? Calibration = null,
    int CalibrationCount = 8,
    long? JpegBytes = null,
    int Threads = 1,
    int ProfileRuns = 5,
    bool Json = false);
