namespace EdgeNode.Learning.Federated;

/// <summary>What a DP statistics round hides: one node's whole contribution, or any one labelled sample.</summary>
public enum PrivacyUnit : byte
{
    /// <summary>Client-level: the sensitivity is a node's bounded count of clipped samples.</summary>
    Node = 0,

    /// <summary>Example-level: the sensitivity is one clipped sample, whichever node holds it.</summary>
    Sample = 1,
}
