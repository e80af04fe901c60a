namespace EdgeNode.Inference.Updates;

/// <summary>A new model shadow-run against the current one on the same cached frames.</summary>
/// <param name="Frames">Frames both models embedded.</param>
/// <param name="MeanCosine">Mean cosine similarity of the two embeddings per frame; null without frames.</param>
/// <param name="HeadAgreement">Share of frames where the active head gives both embeddings the same top-1 label; null without a head.</param>
public sealed record ShadowReport(int Frames, double? MeanCosine, double? HeadAgreement);
