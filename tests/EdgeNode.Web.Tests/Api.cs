using System.Net;
using System.Text;
using System.Text.Json;

namespace EdgeNode.Web.Tests;

/// <summary>A client of the node's HTTP API with its cookies and CSRF token.</summary>
public sealed class Api(HttpClient client) : IDisposable
{
    /// <summary>The CSRF token from <c>GET /api/session</c>.</summary>
    public string Csrf { get; set; } = string.Empty;

    /// <summary>The underlying client.</summary>
    public HttpClient Client => client;

    /// <summary>Fetches the CSRF token.</summary>
    public async Task<JsonElement> SessionAsync()
    {
        var (_, json) = await SendAsync(HttpMethod.Get, "api/session");
        Csrf = json.GetProperty("csrf").GetString()!;
        return json;
    }

    /// <summary>Sends a request; <paramref name="csrf"/> false leaves the token out.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Json)> SendAsync(HttpMethod method, string path, string? body = null, bool csrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (csrf && method != HttpMethod.Get)
        {
            request.Headers.Add("X-CSRF-Token", Csrf);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{method} {path}: {(int)response.StatusCode} is not JSON: {text}");
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The error code of a JSON error (asserting the shape <c>{"ok": false, "error": {"code", "message"}}</c>).</summary>
    public static string ErrorCode(JsonElement json)
    {
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("error").GetProperty("message").GetString()));
        return json.GetProperty("error").GetProperty("code").GetString()!;
    }

    /// <inheritdoc />
    public void Dispose() => client.Dispose();
}
