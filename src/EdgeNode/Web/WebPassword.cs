namespace EdgeNode.Web;

/// <summary>The configured password hash (read once at start), or none: then no login is required (loopback only, enforced at start).</summary>
internal sealed class WebPassword(IOptions<WebOptions> options)
{
    private readonly Lazy<PasswordHash?> _hash = new(() =>
        string.IsNullOrWhiteSpace(options.Value.PasswordFile) ? null : PasswordHash.Parse(File.ReadAllText(options.Value.PasswordFile)));

    /// <summary>True when every API call needs a session.</summary>
    public bool Required => _hash.Value is not null;

    /// <summary>True when <paramref name="password"/> matches.</summary>
    public bool Verify(string password) => _hash.Value is { } hash && hash.Verify(password);
}
