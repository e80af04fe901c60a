using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Split;

/// <summary>Options bound from <c>EdgeNode:Split</c>: this node's part in split inference (docs/split.md).</summary>
public sealed class SplitOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Split";

    /// <summary><c>EdgeNode__Split__Peer</c> value that takes the tail from MQTT discovery.</summary>
    public const string AutoPeer = "auto";

    /// <summary><c>EdgeNode__Split__Role</c>: <c>none</c> (the default: the whole model here), <c>head</c> or <c>tail</c>.</summary>
    [Required]
    [RegularExpression("^(none|head|tail)$", ErrorMessage = "The role is none, head or tail.")]
    public string Role { get; set; } = "none";

    /// <summary><c>EdgeNode__Split__Peer</c> (head): the tail's URL (<c>http://host:port</c>, <c>https://</c> with TLS), or <c>auto</c>.</summary>
    public string Peer { get; set; } = string.Empty;

    /// <summary><c>EdgeNode__Split__Cut</c> (head and tail): the folder <c>edgenode split</c> wrote, or its <c>split.json</c>.</summary>
    public string Cut { get; set; } = string.Empty;

    /// <summary><c>EdgeNode__Split__MaxInFlight</c> (head): frames sent and not yet answered (the pipeline's depth).</summary>
    [Range(1, 64)]
    public int MaxInFlight { get; set; } = 4;

    /// <summary><c>EdgeNode__Split__DeadlineMs</c> (head): a frame the tail has not answered in this time runs locally.</summary>
    [Range(1, 600_000)]
    public int DeadlineMs { get; set; } = 1000;

    /// <summary><c>EdgeNode__Split__Activation</c> (head): <c>int8</c> (split.json's scale and zero point, a quarter of the bytes) or <c>fp32</c>.</summary>
    /// <summary>
    /// What a head does with a frame the tail did not finish (gone, refusing, or past <see cref="DeadlineMs"/>):
    /// <c>local</c> (default) runs the whole model on this board; <c>cached</c>, for a board too weak for the whole
    /// model, gives the frame its camera's last result marked <c>cached</c> (the change gate's result), running the whole
    /// model only for a camera that has no result yet.
    /// </summary>
    [Required]
    [RegularExpression("^(local|cached)$", ErrorMessage = "The fallback is local or cached.")]
    public string Fallback { get; set; } = LocalFallback;

    /// <summary>The <see cref="Fallback"/> that runs the whole model locally.</summary>
    public const string LocalFallback = "local";

    /// <summary>True when a frame the tail did not finish reuses its camera's last result.</summary>
    public bool FallsBackToCached => Fallback == CachedFallback;

    /// <summary>The <see cref="Fallback"/> that reuses the camera's last result.</summary>
    public const string CachedFallback = "cached";

    [Required]
    [RegularExpression("^(int8|fp32)$", ErrorMessage = "The activation is int8 or fp32.")]
    public string Activation { get; set; } = "int8";

    /// <summary><c>EdgeNode__Split__JpegQuality</c> (head, JPEG offload): the quality an RGB frame is encoded at; JPEG frames are sent as they are.</summary>
    [Range(1, 100)]
    public int JpegQuality { get; set; } = 85;

    /// <summary>
    /// <c>EdgeNode__Split__Listen</c> (tail): where the gRPC service listens (HTTP/2). Loopback unless TLS with client
    /// certificates is configured (<c>EdgeNode:Split:Tls</c>).
    /// </summary>
    public string Listen { get; set; } = "http://127.0.0.1:50051";

    /// <summary><c>EdgeNode__Split__Advertise</c> (tail): the URL heads are told in discovery; default <see cref="Listen"/>.</summary>
    public string Advertise { get; set; } = string.Empty;

    /// <summary><c>EdgeNode__Split__StatusSeconds</c>: how often a tail republishes its retained discovery status.</summary>
    [Range(1, 3600)]
    public int StatusSeconds { get; set; } = 10;

    /// <summary>True for <c>head</c>.</summary>
    public bool IsHead => Role == "head";

    /// <summary>True for <c>tail</c>.</summary>
    public bool IsTail => Role == "tail";

    /// <summary>The URL announced in discovery.</summary>
    public string AdvertisedUrl => string.IsNullOrWhiteSpace(Advertise) ? Listen : Advertise;
}
