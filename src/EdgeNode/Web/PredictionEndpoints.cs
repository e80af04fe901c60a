using EdgeNode.Pipeline;
using EdgeNode.Settings;

namespace EdgeNode.Web;

/// <summary><c>PUT /api/prediction</c> <c>{"unknownBelow": 0.6}</c>: the run-time setting <c>Prediction:UnknownBelow</c>, as <c>cmd/config</c> sets it.</summary>
internal static class PredictionEndpoints
{
    public static RouteGroupBuilder MapPrediction(this RouteGroupBuilder api)
    {
        api.MapPut("/prediction", async (HttpRequest request, JsonBody body, RuntimeSettingsFile file, IConfiguration configuration, IOptionsMonitor<PredictionOptions> options, CancellationToken cancellationToken) =>
        {
            var (threshold, error) = await body.ReadObjectAsync<double>(request, "{\"unknownBelow\": a number from 0 to 1}", TryThreshold, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            await RuntimeSettings.ApplyAsync(file, configuration, settings => settings["Prediction:UnknownBelow"] = JsonValue.Create(threshold), cancellationToken);

            return TypedResults.Json(new JsonObject { ["ok"] = true, ["unknownBelow"] = options.CurrentValue.UnknownBelow }, WebJson.Default.JsonObject);
        });
        return api;
    }

    private static bool TryThreshold(JsonElement root, out double threshold)
    {
        threshold = 0;
        return root.TryGetProperty("unknownBelow", out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetDouble(out threshold) && threshold >= 0 && threshold <= 1;
    }
}
