namespace EdgeNode.Compression.Split;

/// <summary>What <c>edgenode split</c> offered, chose and wrote.</summary>
/// <param name="Model">The whole model.</param>
/// <param name="Output">The folder written.</param>
/// <param name="Candidates">Every offered cut, with no cut and JPEG offload first, and each one's predicted cost.</param>
/// <param name="Chosen">The cut written.</param>
/// <param name="Reason">Why it was chosen (for <c>auto</c>), or that it was asked for.</param>
/// <param name="Manifest">The split.json written.</param>
/// <param name="Fp32Cosine">Lowest cosine of the chained head and tail against the whole model, fp32 activation (null without a cut).</param>
/// <param name="Int8Cosine">The same with the activation through the int8 wire form.</param>
/// <param name="Samples">Inputs the fidelity was measured on.</param>
/// <param name="Inputs">Where the inputs came from.</param>
public sealed record SplitReport(
    string Model,
    string Output,
    IReadOnlyList<SplitCandidate> Candidates,
    SplitCandidate Chosen,
    string Reason,
    SplitManifest Manifest,
    double? Fp32Cosine,
    double? Int8Cosine,
    int Samples,
    string Inputs);
