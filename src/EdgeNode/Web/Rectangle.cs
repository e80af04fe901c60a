using EdgeNode.Pipeline;

namespace EdgeNode.Web;

/// <summary>A region of the frame in pixels.</summary>
internal sealed record Rectangle(int X, int Y, int Width, int Height)
{
    public static Rectangle? Of(RegionOptions? options) => options is { IsSet: true } o ? new Rectangle(o.X, o.Y, o.Width, o.Height) : null;

    public JsonObject ToJson() => new() { ["x"] = X, ["y"] = Y, ["width"] = Width, ["height"] = Height };
}
