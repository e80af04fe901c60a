namespace EdgeNode.Learning;

/// <summary>Provenance of a saved head.</summary>
/// <param name="Version">Increasing version number (1, 2, …).</param>
/// <param name="CreatedAt">When it was trained.</param>
/// <param name="BackboneId">Backbone whose embeddings it was trained on.</param>
/// <param name="ValidationAccuracy">Accuracy on the held-out split at training time.</param>
/// <param name="Samples">Training samples.</param>
/// <param name="Kind">How it was learned; a version-1 head file is <see cref="HeadKind.Softmax"/>.</param>
public sealed record HeadInfo(int Version, DateTimeOffset CreatedAt, string BackboneId, double ValidationAccuracy, int Samples, HeadKind Kind = HeadKind.Softmax);
