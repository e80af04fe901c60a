using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Web;

/// <summary>Options bound from <c>EdgeNode:Web</c>: the node's own web page and HTTP API (docs/web.md).</summary>
public sealed class WebOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Web";

    /// <summary><c>EdgeNode__Web__Enabled</c>: serve the page and the API.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>EdgeNode__Web__Urls</c>: where to listen, separated by <c>;</c>. Port 0 picks a free port (the chosen URL is logged).
    /// Anything beyond loopback needs <see cref="PasswordFile"/>.
    /// </summary>
    [Required]
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary><c>EdgeNode__Web__PasswordFile</c>: the password hash made by <c>edgenode web passwd --out FILE</c>; empty: no login (loopback only).</summary>
    public string PasswordFile { get; set; } = string.Empty;

    /// <summary><c>EdgeNode__Web__CertFile</c>: PEM certificate (chain) for <c>https://</c> URLs.</summary>
    public string CertFile { get; set; } = string.Empty;

    /// <summary><c>EdgeNode__Web__KeyFile</c>: PEM private key of <see cref="CertFile"/>.</summary>
    public string KeyFile { get; set; } = string.Empty;

    /// <summary>Frames per second of the live stream (<c>/api/live</c>) per viewer.</summary>
    [Range(1, 30)]
    public int StreamFramesPerSecond { get; set; } = 12;

    /// <summary>Most bytes of a request body; larger bodies are refused with 413 before they are read.</summary>
    [Range(1024, 1_048_576)]
    public int MaxBodyBytes { get; set; } = 65_536;

    /// <summary>How long a login lasts without use.</summary>
    [Range(60, 604_800)]
    public int SessionMinutes { get; set; } = 720;

    /// <summary>Login attempts per minute from one address; more are refused with 429.</summary>
    [Range(1, 1000)]
    public int LoginAttemptsPerMinute { get; set; } = 5;

    /// <summary>The URLs as a list.</summary>
    public IReadOnlyList<string> UrlList => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
