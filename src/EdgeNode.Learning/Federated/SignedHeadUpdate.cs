using EdgeNode.Common;

namespace EdgeNode.Learning.Federated;

/// <summary>A parsed update with the bytes its signature covers.</summary>
/// <param name="Update">The update.</param>
/// <param name="SignedBody">Every byte before the signature.</param>
/// <param name="Signature">The ECDSA P-256 signature (IEEE P1363).</param>
public sealed record SignedHeadUpdate(HeadUpdate Update, ReadOnlyMemory<byte> SignedBody, ReadOnlyMemory<byte> Signature)
{
    /// <summary>True when the sending node's key is in <paramref name="nodes"/> and the signature verifies under it.</summary>
    public bool IsSignedBy(EcdsaKeyRing nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return nodes.Verify(Update.NodeId, SignedBody.Span, Signature.Span);
    }
}
