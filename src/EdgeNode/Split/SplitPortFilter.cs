using Microsoft.AspNetCore.Hosting;

namespace EdgeNode.Split;

/// <summary>
/// First in the node's HTTP pipeline: the split endpoint's port answers gRPC only, so the web page and its API (which
/// share the Kestrel host) are never reachable through it, however far the split endpoint listens.
/// </summary>
internal sealed class SplitPortFilter(int port) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            if (context.Connection.LocalPort == port && context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await following(context);
        });
        next(app);
    };
}
