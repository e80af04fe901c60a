using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeNode.Web;

/// <summary>Logs where the page is once Kestrel listens (the port chosen for port 0 included): the quick start's URL.</summary>
internal sealed partial class WebAddressLogger(IServer server, IHostApplicationLifetime lifetime, WebPassword password, ILogger<WebAddressLogger> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                LogListening(logger, address.TrimEnd('/') + "/", password.Required ? "login with the password" : "no login (loopback only)");
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Information, "Web page at {Url} ({Access})")]
    private static partial void LogListening(ILogger logger, string url, string access);
}
