using EdgeNode.Pipeline;
using EdgeNode.Settings;

namespace EdgeNode.Web;

/// <summary>
/// <c>GET/PUT/DELETE /api/region</c> and <c>POST /api/region/undo</c>: the crop classified instead of the whole frame, stored
/// as the run-time settings <c>Region:X/Y/Width/Height</c> (as <c>cmd/config</c> stores them) and applied to the next frame.
/// </summary>
internal static class RegionEndpoints
{
    private const int MinimumSide = 8;

    public static RouteGroupBuilder MapRegion(this RouteGroupBuilder api)
    {
        api.MapGet("/region", (FrameRegion region, ILastFrame lastFrame, RegionHistory history) => TypedResults.Json(Report(region, lastFrame, history), WebJson.Default.JsonObject));
        api.MapPut("/region", SetAsync);
        api.MapDelete("/region", async (FrameRegion region, ILastFrame lastFrame, RegionHistory history, RuntimeSettingsFile file, IConfiguration configuration, CancellationToken cancellationToken) =>
        {
            history.Push(Rectangle.Of(region.Current));
            await WriteAsync(null, file, configuration, cancellationToken);
            return TypedResults.Json(Report(region, lastFrame, history), WebJson.Default.JsonObject);
        });
        api.MapPost("/region/undo", async (FrameRegion region, ILastFrame lastFrame, RegionHistory history, RuntimeSettingsFile file, IConfiguration configuration, CancellationToken cancellationToken) =>
        {
            if (!history.TryPop(out var previous))
            {
                return (IResult)WebErrors.Error("nothing_to_undo", "The region has not been changed since the node started.");
            }

            await WriteAsync(previous, file, configuration, cancellationToken);
            return TypedResults.Json(Report(region, lastFrame, history), WebJson.Default.JsonObject);
        });
        return api;
    }

    private static async Task<IResult> SetAsync(HttpRequest request, JsonBody body, FrameRegion region, ILastFrame lastFrame, RegionHistory history, RuntimeSettingsFile file, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var (wanted, error) = await body.ReadObjectAsync<Rectangle>(request, "{\"x\", \"y\", \"width\", \"height\"}: whole pixels of the camera frame", TryRectangle, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (Size(lastFrame) is not { } frame)
        {
            return WebErrors.Error("no_frame", "No frame has been captured yet: the region is checked against the camera's frame size.");
        }

        if (wanted.X < 0 || wanted.Y < 0 || wanted.Width < MinimumSide || wanted.Height < MinimumSide || wanted.X + wanted.Width > frame.Width || wanted.Y + wanted.Height > frame.Height)
        {
            return WebErrors.Error("invalid_region", $"The region {wanted.X},{wanted.Y} {wanted.Width}x{wanted.Height} does not fit the {frame.Width}x{frame.Height} frame (sides of at least {MinimumSide} pixels, inside the frame).");
        }

        history.Push(Rectangle.Of(region.Current));
        await WriteAsync(wanted, file, configuration, cancellationToken);
        return TypedResults.Json(Report(region, lastFrame, history), WebJson.Default.JsonObject);
    }

    private static Task WriteAsync(Rectangle? region, RuntimeSettingsFile file, IConfiguration configuration, CancellationToken cancellationToken) =>
        RuntimeSettings.ApplyAsync(
            file,
            configuration,
            settings =>
            {
                foreach (var (key, value) in new[] { ("Region:X", region?.X), ("Region:Y", region?.Y), ("Region:Width", region?.Width), ("Region:Height", region?.Height) })
                {
                    if (value is { } v)
                    {
                        settings[key] = JsonValue.Create(v);
                    }
                    else
                    {
                        settings.Remove(key);
                    }
                }
            },
            cancellationToken);

    private static JsonObject Report(FrameRegion region, ILastFrame lastFrame, RegionHistory history) => new()
    {
        ["ok"] = true,
        ["region"] = Rectangle.Of(region.Current)?.ToJson(),
        ["frame"] = Size(lastFrame) is { } size ? new JsonObject { ["width"] = size.Width, ["height"] = size.Height } : null,
        ["canUndo"] = history.Count > 0,
    };

    private static (int Width, int Height)? Size(ILastFrame lastFrame)
    {
        try
        {
            return lastFrame.TakeJpeg(50) is { } snapshot && FrameRegion.SizeOf(snapshot) is { Width: > 0 } size ? size : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static bool TryRectangle(JsonElement root, out Rectangle rectangle)
    {
        var ok = TryInt(root, "x", out var x) & TryInt(root, "y", out var y) & TryInt(root, "width", out var width) & TryInt(root, "height", out var height);
        rectangle = new Rectangle(x, y, width, height);
        return ok;
    }

    private static bool TryInt(JsonElement root, string name, out int value)
    {
        value = 0;
        return root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }
}
