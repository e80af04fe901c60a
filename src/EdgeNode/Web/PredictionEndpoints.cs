using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeNode.Learning;
using EdgeNode.Pipeline;
using EdgeNode.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeNode.Web;

/// <summary><c>PUT /api/prediction</c> <c>{"unknownBelow": 0.6}</c>: the run-time setting <c>Prediction:UnknownBelow</c>, as <c>cmd/config</c> sets it.</summary>
internal static class PredictionEndpoints
{
    public static RouteGroupBuilder MapPrediction(this RouteGroupBuilder api)
    {
        api.MapPut("/prediction", async (HttpRequest request, JsonBody body, RuntimeSettingsFile file, IConfiguration configuration, IOptionsMonitor<PredictionOptions> options, CancellationToken cancellationToken) =>
        {
            var (document, _, error) = await body.ReadAsync(request, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            double threshold;
            using (document)
            {
                var root = document!.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("unknownBelow", out var value) || value.ValueKind != JsonValueKind.Number
                    || !value.TryGetDouble(out threshold) || !(threshold >= 0 && threshold <= 1))
                {
                    return WebErrors.Error("bad_request", "Expected {\"unknownBelow\": a number from 0 to 1}.");
                }
            }

            await RuntimeSettings.ApplyAsync(file, configuration, settings => settings["Prediction:UnknownBelow"] = JsonValue.Create(threshold), cancellationToken);

            return TypedResults.Json(new JsonObject { ["ok"] = true, ["unknownBelow"] = options.CurrentValue.UnknownBelow }, WebJson.Default.JsonObject);
        });
        return api;
    }
}
