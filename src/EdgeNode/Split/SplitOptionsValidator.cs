using EdgeNode.Messaging;
using EdgeNode.Web;

namespace EdgeNode.Split;

/// <summary>
/// What data annotations cannot say: a head needs a peer and a cut, a tail a cut and a listen URL, and the tail's gRPC
/// endpoint never listens beyond loopback without TLS and client certificates (the MQTT certificates,
/// <c>EdgeNode:Mqtt:Tls</c>). Failures name the key and its environment variable; the node exits 78 on them.
/// </summary>
internal sealed class SplitOptionsValidator(IOptions<MqttOptions> mqtt) : IValidateOptions<SplitOptions>
{
    public ValidateOptionsResult Validate(string? name, SplitOptions options)
    {
        if (options.Role is not ("head" or "tail"))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Cut))
        {
            failures.Add($"EdgeNode:Split:Cut (EdgeNode__Split__Cut): a {options.Role} needs the folder 'edgenode split' wrote (or its split.json).");
        }
        else if (!File.Exists(options.Cut) && !File.Exists(Path.Combine(options.Cut, "split.json")))
        {
            failures.Add($"EdgeNode:Split:Cut (EdgeNode__Split__Cut): '{options.Cut}' is neither a split.json nor a folder holding one.");
        }

        var tls = mqtt.Value.Tls;
        var certificates = !string.IsNullOrWhiteSpace(tls.CaFile) && !string.IsNullOrWhiteSpace(tls.CertFile) && !string.IsNullOrWhiteSpace(tls.KeyFile);
        if (options.IsHead)
        {
            if (options.Peer != SplitOptions.AutoPeer && !IsHttpUrl(options.Peer, out _))
            {
                failures.Add($"EdgeNode:Split:Peer (EdgeNode__Split__Peer): '{options.Peer}' is not the tail's http:// or https:// URL (host and port) or 'auto' (from MQTT discovery).");
            }
            else if (options.Peer.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !certificates)
            {
                failures.Add("EdgeNode:Split:Peer (EdgeNode__Split__Peer): an https:// tail asks for this node's client certificate; set EdgeNode__Mqtt__Tls__CaFile, EdgeNode__Mqtt__Tls__CertFile and EdgeNode__Mqtt__Tls__KeyFile.");
            }
        }

        if (options.IsTail)
        {
            if (!IsHttpUrl(options.Listen, out var listen) || listen.Port == 0)
            {
                failures.Add($"EdgeNode:Split:Listen (EdgeNode__Split__Listen): '{options.Listen}' is not an http:// or https:// URL with a host and a port (0 is not allowed: heads must know it).");
            }
            else if (!WebOptionsValidator.IsLoopback(listen.Host) && (listen.Scheme != "https" || !certificates))
            {
                failures.Add($"EdgeNode:Split:Listen (EdgeNode__Split__Listen): '{options.Listen}' is reachable beyond this board; it needs https:// with client certificates (EdgeNode__Mqtt__Tls__CaFile, EdgeNode__Mqtt__Tls__CertFile, EdgeNode__Mqtt__Tls__KeyFile), or bind to 127.0.0.1.");
            }
            else if (listen.Scheme == "https" && !certificates)
            {
                failures.Add($"EdgeNode:Split:Listen (EdgeNode__Split__Listen): https:// serves the node's MQTT certificate and asks heads for theirs; set EdgeNode__Mqtt__Tls__CaFile, EdgeNode__Mqtt__Tls__CertFile and EdgeNode__Mqtt__Tls__KeyFile.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>True for an absolute <c>http://</c> or <c>https://</c> URL of a host and port, nothing after the port; Kestrel's wildcards (<c>*</c>, <c>+</c>) count as every address.</summary>
    public static bool IsHttpUrl(string? url, out Uri uri)
    {
        var parsed = (url ?? string.Empty).Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (Uri.TryCreate(parsed, UriKind.Absolute, out var candidate) && candidate.Scheme is "http" or "https" && candidate.AbsolutePath == "/" && !string.IsNullOrEmpty(candidate.Host))
        {
            uri = candidate;
            return true;
        }

        uri = null!;
        return false;
    }
}
