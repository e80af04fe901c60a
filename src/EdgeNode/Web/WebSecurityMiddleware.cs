namespace EdgeNode.Web;

/// <summary>
/// Every request: logged at debug with its source; security headers (CSP <c>default-src 'self'</c>, no sniffing, no
/// framing, no referrer). API requests: a session when a password is configured (401 otherwise), and on every
/// state-changing method the CSRF token in <see cref="WebSessions.CsrfHeader"/> equal to the session's (or, without a
/// password, to the CSRF cookie: double submit), 403 otherwise. The static page itself holds no secret and is public.
/// </summary>
internal sealed partial class WebSecurityMiddleware(RequestDelegate next, WebSessions sessions, WebPassword password, ILogger<WebSecurityMiddleware> logger)
{
    private static readonly HashSet<string> Open = new(StringComparer.OrdinalIgnoreCase) { "/api/session", "/api/login", "/api/logout" };

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        LogRequest(logger, request.Method, request.Path.Value ?? "/", context.Connection.RemoteIpAddress?.ToString() ?? "?", context.Connection.RemotePort);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";

        if (!request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        headers.CacheControl = "no-store";
        string? sessionCsrf = null;
        if (password.Required)
        {
            sessionCsrf = sessions.Find(request.Cookies[WebSessions.SessionCookie]);
            if (sessionCsrf is null && !Open.Contains(request.Path.Value!))
            {
                LogRefused(logger, request.Method, request.Path.Value!, context.Connection.RemoteIpAddress?.ToString() ?? "?", "no session");
                await WebErrors.WriteAsync(context, "unauthorized", "Log in first: POST /api/login {\"password\": \"…\"}.");
                return;
            }
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method))
        {
            var sent = request.Headers[WebSessions.CsrfHeader].ToString();
            var expected = sessionCsrf ?? request.Cookies[WebSessions.CsrfCookie];
            if (string.IsNullOrEmpty(sent) || !WebSessions.Same(sent, expected))
            {
                LogRefused(logger, request.Method, request.Path.Value!, context.Connection.RemoteIpAddress?.ToString() ?? "?", "CSRF token missing or wrong");
                await WebErrors.WriteAsync(context, "csrf", $"A state-changing request needs the {WebSessions.CsrfHeader} header with the token from GET /api/session.");
                return;
            }
        }

        await next(context);
    }

    [LoggerMessage(1, LogLevel.Debug, "HTTP {Method} {Path} from {Address}:{Port}")]
    private static partial void LogRequest(ILogger logger, string method, string path, string address, int port);

    [LoggerMessage(2, LogLevel.Information, "HTTP {Method} {Path} from {Address} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string path, string address, string reason);
}
