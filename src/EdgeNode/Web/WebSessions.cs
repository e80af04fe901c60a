using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace EdgeNode.Web;

/// <summary>
/// Logins in memory: a random session token (the HttpOnly cookie) and its CSRF token. Sessions end after
/// <see cref="WebOptions.SessionMinutes"/> without use, on logout, and when the node restarts.
/// </summary>
internal sealed class WebSessions(IOptions<WebOptions> options, TimeProvider time)
{
    /// <summary>The session cookie.</summary>
    public const string SessionCookie = "edgenode_session";

    /// <summary>The CSRF cookie the page reads and echoes in <see cref="CsrfHeader"/>.</summary>
    public const string CsrfCookie = "edgenode_csrf";

    /// <summary>The header every state-changing request carries.</summary>
    public const string CsrfHeader = "X-CSRF-Token";

    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <summary>Starts a session; returns its token and CSRF token.</summary>
    public (string Token, string Csrf) Start()
    {
        Prune();
        var token = NewToken();
        var csrf = NewToken();
        _sessions[token] = new Session(csrf, time.GetUtcNow());
        return (token, csrf);
    }

    /// <summary>The CSRF token of a live session (renewing it), or null.</summary>
    public string? Find(string? token)
    {
        if (string.IsNullOrEmpty(token) || !_sessions.TryGetValue(token, out var session))
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (now - session.LastUsed > TimeSpan.FromMinutes(options.Value.SessionMinutes))
        {
            _sessions.TryRemove(token, out _);
            return null;
        }

        _sessions[token] = session with { LastUsed = now };
        return session.Csrf;
    }

    /// <summary>Ends a session.</summary>
    public void End(string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            _sessions.TryRemove(token, out _);
        }
    }

    /// <summary>A random URL-safe token of 256 bits.</summary>
    public static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Constant-time equality of two tokens.</summary>
    public static bool Same(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(a), System.Text.Encoding.ASCII.GetBytes(b));

    private void Prune()
    {
        var oldest = time.GetUtcNow() - TimeSpan.FromMinutes(options.Value.SessionMinutes);
        foreach (var (token, session) in _sessions)
        {
            if (session.LastUsed < oldest)
            {
                _sessions.TryRemove(token, out _);
            }
        }
    }

    private sealed record Session(string Csrf, DateTimeOffset LastUsed);
}
