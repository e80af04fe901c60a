using EdgeNode.Messaging.Commands;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EdgeNode.Health;

/// <summary>
/// <c>cmd/health</c> (no arguments): runs every health check now and replies with the overall <c>status</c>
/// (<c>healthy</c>, <c>degraded</c>, <c>unhealthy</c>) and each check's <c>status</c>, <c>description</c> and data.
/// </summary>
internal sealed class HealthCommandHandler(HealthCheckService health) : ICommandHandler
{
    public string Verb => "health";

    public async Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandArguments.RejectUnknown(request.Arguments);
        var report = await health.CheckHealthAsync(cancellationToken);
        var checks = new JsonObject();
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var check = new JsonObject { ["status"] = HealthState.Name(entry.Status), ["description"] = entry.Description };
            foreach (var (key, value) in entry.Data)
            {
                check[key] = JsonValue.Create(value is double or long or int or bool or string ? value : value.ToString());
            }

            checks[name] = check;
        }

        return CommandReply.Success(new JsonObject { ["status"] = HealthState.Name(report.Status), ["checks"] = checks });
    }
}
