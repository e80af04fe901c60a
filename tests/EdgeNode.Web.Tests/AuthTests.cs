using System.Net;

namespace EdgeNode.Web.Tests;

/// <summary>
/// With a password file every API call needs the session cookie (HttpOnly, SameSite=Strict) from a login; logins are rate
/// limited; a session without its CSRF token changes nothing; refused calls change nothing in SQLite or the head store.
/// </summary>
public sealed class AuthTests(PasswordNodeFixture fixture) : IClassFixture<PasswordNodeFixture>
{
    private static readonly (HttpMethod Method, string Path)[] Endpoints =
    [
        (HttpMethod.Get, "api/status"), (HttpMethod.Get, "api/frame.jpg"), (HttpMethod.Get, "api/live"), (HttpMethod.Get, "api/events"),
        (HttpMethod.Get, "api/results?limit=5"), (HttpMethod.Get, "api/results/0123456789abcdef0123456789abcdef/image"), (HttpMethod.Get, "api/sensors"),
        (HttpMethod.Post, "api/labels"), (HttpMethod.Delete, "api/labels/1"), (HttpMethod.Put, "api/labelling"), (HttpMethod.Post, "api/train"),
        (HttpMethod.Get, "api/heads"), (HttpMethod.Post, "api/rollback"), (HttpMethod.Get, "api/region"), (HttpMethod.Put, "api/region"),
        (HttpMethod.Delete, "api/region"), (HttpMethod.Post, "api/region/undo"), (HttpMethod.Put, "api/prediction"),
    ];

    private WebNode Node => fixture.Node;

    [Fact]
    public async Task Api_WithoutSession_401OnEveryEndpointAndNothingChanged()
    {
        using var api = new Api(Node.Client());
        var session = await api.SessionAsync();
        Assert.True(session.GetProperty("authRequired").GetBoolean());
        Assert.False(session.GetProperty("authenticated").GetBoolean());
        var before = NodeState.Of(Node);
        foreach (var (method, path) in Endpoints)
        {
            var (status, json) = await api.SendAsync(method, path, method == HttpMethod.Get ? null : "{\"result\":\"last\",\"label\":\"cat\"}");
            Assert.True(status == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)status}");
            Assert.Equal("unauthorized", Api.ErrorCode(json));
        }

        Assert.Equal(before, NodeState.Of(Node));

        // The page itself is public: it holds no secret and shows the login.
        Assert.Contains("login-form", await api.Client.GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_RightPassword_HttpOnlyStrictSessionThenCsrfStillRequired()
    {
        using var api = new Api(Node.Client());
        await api.SessionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/login") { Content = new StringContent($"{{\"password\":\"{PasswordNodeFixture.Password}\"}}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-CSRF-Token", api.Csrf);
        using var response = await api.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("edgenode_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(PasswordNodeFixture.Password, body, StringComparison.Ordinal);
        api.Csrf = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("csrf").GetString()!;

        var (status, json) = await api.SendAsync(HttpMethod.Get, "api/status");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain("pbkdf2", json.ToString(), StringComparison.OrdinalIgnoreCase);

        // Logged in, but no CSRF token: refused, nothing changed.
        var before = NodeState.Of(Node);
        (status, json) = await api.SendAsync(HttpMethod.Post, "api/train", "{}", csrf: false);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("csrf", Api.ErrorCode(json));

        // With it: a rollback on a node without heads is the command's error, and the head store is untouched.
        (status, json) = await api.SendAsync(HttpMethod.Post, "api/rollback", "{}");
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("no_previous_head", Api.ErrorCode(json));
        Assert.Equal(before, NodeState.Of(Node));

        (status, _) = await api.SendAsync(HttpMethod.Post, "api/logout", "{}");
        Assert.Equal(HttpStatusCode.OK, status);
        (status, _) = await api.SendAsync(HttpMethod.Get, "api/status");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Login_WrongPasswordRepeated_401ThenRateLimited429()
    {
        // From another loopback address than the other tests' logins: the limit is per address.
        var handler = new SocketsHttpHandler
        {
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = Node.Url };
        using var api = new Api(client);
        await api.SessionAsync();
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            var (status, json) = await api.SendAsync(HttpMethod.Post, "api/login", "{\"password\":\"wrong password\"}");
            codes.Add(status);
            Assert.Equal(status == HttpStatusCode.Unauthorized ? "unauthorized" : "rate_limited", Api.ErrorCode(json));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, codes[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
    }
}
