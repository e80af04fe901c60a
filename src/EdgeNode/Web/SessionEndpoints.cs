namespace EdgeNode.Web;

/// <summary><c>GET /api/session</c> (login state and the CSRF token), <c>POST /api/login</c> (rate limited), <c>POST /api/logout</c>.</summary>
internal static class SessionEndpoints
{
    /// <summary>The rate-limiter policy of the login.</summary>
    public const string LoginPolicy = "login";

    public static RouteGroupBuilder MapSession(this RouteGroupBuilder api)
    {
        api.MapGet("/session", (HttpContext context, WebSessions sessions, WebPassword password) =>
        {
            var csrf = password.Required ? sessions.Find(context.Request.Cookies[WebSessions.SessionCookie]) : null;
            var authenticated = !password.Required || csrf is not null;
            csrf ??= context.Request.Cookies[WebSessions.CsrfCookie] is { Length: > 0 } existing ? existing : WebSessions.NewToken();
            SetCsrfCookie(context, csrf);
            return TypedResults.Json(new JsonObject { ["ok"] = true, ["authRequired"] = password.Required, ["authenticated"] = authenticated, ["csrf"] = csrf }, WebJson.Default.JsonObject);
        });
        api.MapPost("/login", LoginAsync).RequireRateLimiting(LoginPolicy);
        api.MapPost("/logout", (HttpContext context, WebSessions sessions) =>
        {
            sessions.End(context.Request.Cookies[WebSessions.SessionCookie]);
            context.Response.Cookies.Delete(WebSessions.SessionCookie);
            return TypedResults.Json(new JsonObject { ["ok"] = true }, WebJson.Default.JsonObject);
        });
        return api;
    }

    private static async Task<IResult> LoginAsync(HttpContext context, JsonBody body, WebSessions sessions, WebPassword password, CancellationToken cancellationToken)
    {
        var (given, error) = await body.ReadObjectAsync<string>(context.Request, "{\"password\": \"…\"}", TryPassword, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!password.Required)
        {
            return WebErrors.Error("bad_request", "No password is configured (EdgeNode:Web:PasswordFile): nothing to log in to.");
        }

        if (!password.Verify(given))
        {
            return WebErrors.Error(StatusCodes.Status401Unauthorized, "unauthorized", "Wrong password.");
        }

        var (token, csrf) = sessions.Start();
        context.Response.Cookies.Append(WebSessions.SessionCookie, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
        SetCsrfCookie(context, csrf);
        return TypedResults.Json(new JsonObject { ["ok"] = true, ["csrf"] = csrf }, WebJson.Default.JsonObject);
    }

    private static bool TryPassword(JsonElement root, out string password)
    {
        var ok = root.TryGetProperty("password", out var given) && given.ValueKind == JsonValueKind.String;
        password = ok ? given.GetString()! : "";
        return ok;
    }

    // Readable by the page's script (that is the point of a double-submit token); Strict so no other site sends it.
    private static void SetCsrfCookie(HttpContext context, string csrf) =>
        context.Response.Cookies.Append(WebSessions.CsrfCookie, csrf, new CookieOptions
        {
            HttpOnly = false,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
        });
}
