namespace EdgeNode.Learning.Federated;

/// <summary>A parsed update with the bytes its signature covers.</summary>
/// <param name="Update">The update.</param>
/// <param name="SignedBody">Every byte before the signature.</param>
/// <param name="Signature">The ECDSA P-256 signature (IEEE P1363).</param>
public sealed record SignedUpdate(ModelUpdate Update, ReadOnlyMemory<byte> SignedBody, ReadOnlyMemory<byte> Signature);
