using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Learning;

/// <summary>Options bound from <c>EdgeNode:Federated</c>: the node's part in federated learning (docs/federation.md).</summary>
public sealed class FederatedOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Federated";

    /// <summary><c>EdgeNode__Federated__Enabled</c>: take part in the fleet's rounds (default off).</summary>
    public bool Enabled { get; set; }

    /// <summary><c>EdgeNode__Federated__Fleet</c>: the fleet id, one topic level; must match the aggregator's.</summary>
    [Required]
    [RegularExpression("^[^#+/\\s]+$", ErrorMessage = "The fleet id must be one topic level (no '/', '+', '#' or spaces).")]
    public string Fleet { get; set; } = "default";

    /// <summary>
    /// <c>EdgeNode__Federated__KeyPath</c>: the node's ECDSA P-256 signing key (PKCS#8 PEM); created on first start
    /// (mode 0600) with its public key beside it as <c>{node}.pem</c>, the file to register with the aggregator.
    /// Default: <c>keys/federated.key</c> next to the database.
    /// </summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// <c>EdgeNode__Federated__AggregatorKeysPath</c>: the aggregators' public keys (a <c>.pem</c> file or a folder of
    /// them, the aggregator writes its own as <c>global.pem</c> in its state folder). With one, every global head must
    /// carry a signature it verifies. Default: <c>keys/aggregators/</c> next to the database.
    /// </summary>
    public string? AggregatorKeysPath { get; set; }

    /// <summary>
    /// <c>EdgeNode__Federated__AdoptGlobal</c>: make each new global head the node's active head (saved as a new
    /// head version, so <c>cmd/rollback</c> returns to the previous one).
    /// </summary>
    public bool AdoptGlobal { get; set; } = true;

    /// <summary>Largest MQTT message of an update; larger updates are chunked.</summary>
    [Range(4096, 16 << 20)]
    public int MaxChunkBytes { get; set; } = 256 * 1024;
}
