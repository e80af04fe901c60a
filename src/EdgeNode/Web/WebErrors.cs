using Microsoft.AspNetCore.Http.HttpResults;

namespace EdgeNode.Web;

/// <summary>
/// Errors as the MQTT command replies write them: <c>{"ok": false, "error": {"code", "message"}}</c>, with the same codes
/// (<c>bad_request</c>, <c>invalid_label</c>, <c>unknown_result</c>, <c>rate_limited</c>, <c>no_previous_head</c>, …) and an HTTP status.
/// </summary>
internal static class WebErrors
{
    public static JsonHttpResult<JsonObject> Error(int status, string code, string message) =>
        TypedResults.Json(Body(code, message), statusCode: status);

    public static JsonObject Body(string code, string message) => new()
    {
        ["ok"] = false,
        ["error"] = new JsonObject { ["code"] = code, ["message"] = message },
    };

    /// <summary>The HTTP status of an error code shared with the command replies.</summary>
    public static int StatusOf(string code) => code switch
    {
        "unknown_result" or "no_frame" or "not_found" => StatusCodes.Status404NotFound,
        "rate_limited" => StatusCodes.Status429TooManyRequests,
        "no_previous_head" => StatusCodes.Status409Conflict,
        "unauthorized" => StatusCodes.Status401Unauthorized,
        "csrf" => StatusCodes.Status403Forbidden,
        "payload_too_large" => StatusCodes.Status413PayloadTooLarge,
        "too_many_classes" => StatusCodes.Status409Conflict,
        "samples_full" or "storage_full" => StatusCodes.Status507InsufficientStorage,
        _ => StatusCodes.Status400BadRequest,
    };

    public static JsonHttpResult<JsonObject> Error(string code, string message) => Error(StatusOf(code), code, message);

    /// <summary>Writes an error from middleware, where there is no endpoint result.</summary>
    public static Task WriteAsync(HttpContext context, string code, string message)
    {
        context.Response.StatusCode = StatusOf(code);
        return context.Response.WriteAsJsonAsync(Body(code, message), WebJson.Default.JsonObject, contentType: "application/json", context.RequestAborted);
    }
}
