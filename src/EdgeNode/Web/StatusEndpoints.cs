using EdgeNode.Health;
using EdgeNode.Learning;
using EdgeNode.Pipeline;
using EdgeNode.Telemetry;

namespace EdgeNode.Web;

/// <summary><c>GET /api/status</c>: model, execution provider, outbox, broker, health, head, federated round, region; <c>PUT /api/prediction</c>.</summary>
internal static class StatusEndpoints
{
    public static RouteGroupBuilder MapStatus(this RouteGroupBuilder api)
    {
        api.MapGet("/status", (IInferenceEngine engine, ActiveHead head, IMessageBus bus, TelemetryCollector telemetry, HealthState health, FederatedService federated, NodeIdentity identity, FrameRegion region, LabellingSession labelling, IOptionsMonitor<PredictionOptions> prediction, LiveValues live) =>
        {
            var model = engine.Model;
            var t = telemetry.Latest;
            var client = federated.Client;
            return TypedResults.Json(new JsonObject
            {
                ["ok"] = true,
                ["node"] = identity.NodeId,
                ["version"] = typeof(StatusEndpoints).Assembly.GetName().Version?.ToString(3),
                ["model"] = model.Id,
                ["modelVersion"] = model.Version,
                ["executionProvider"] = model.ExecutionProvider,
                ["headVersion"] = head.Current?.Info.Version,
                ["classes"] = head.Current is { } h ? new JsonArray([.. h.Head.Classes.Select(c => (JsonNode)c)]) : new JsonArray(),
                ["brokerConnected"] = bus.IsConnected,
                ["outboxDepth"] = t?.OutboxDepth,
                ["fps"] = t is null ? null : Math.Round(t.Fps, 2),
                ["latencyP50Ms"] = t is null ? null : Math.Round(t.LatencyP50Ms, 2),
                ["health"] = health.Status,
                ["healthFailing"] = new JsonArray([.. health.Failing.Select(f => (JsonNode)f)]),
                ["federated"] = client is null ? null : new JsonObject { ["globalVersion"] = client.TrainedVersion < 0 ? null : client.TrainedVersion, ["updatesSent"] = client.UpdatesSent },
                ["region"] = Rectangle.Of(region.Current)?.ToJson(),
                ["storeImages"] = labelling.StoreImages,
                ["unknownBelow"] = prediction.CurrentValue.UnknownBelow,
                ["last"] = live.LastResult is { } r ? JsonNode.Parse(ResultJson.Serialize(r, identity.NodeId)) : null,
            }, WebJson.Default.JsonObject);
        });
        return api;
    }
}
