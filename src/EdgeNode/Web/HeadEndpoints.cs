using EdgeNode.Learning;
using EdgeNode.Outbox;

namespace EdgeNode.Web;

/// <summary><c>POST /api/train</c>, <c>GET /api/heads</c>, <c>POST /api/rollback</c>: the same actions as <c>cmd/train</c> and <c>cmd/rollback</c>.</summary>
internal static class HeadEndpoints
{
    public static RouteGroupBuilder MapHeads(this RouteGroupBuilder api)
    {
        api.MapPost("/train", (HeadTrainingService training, TrainingProgress progress) =>
        {
            progress.Queued();
            training.RequestTraining();
            return TypedResults.Json(new JsonObject { ["ok"] = true, ["training"] = TrainingJson(progress.State) }, WebJson.Default.JsonObject, statusCode: StatusCodes.Status202Accepted);
        });
        api.MapGet("/heads", ListAsync);
        api.MapPost("/rollback", async (HeadTrainingService training, CancellationToken cancellationToken) =>
            await training.RollbackAsync(cancellationToken) is { } info
                ? (IResult)TypedResults.Json(new JsonObject { ["ok"] = true, ["headVersion"] = info.Version, ["validationAccuracy"] = info.ValidationAccuracy }, WebJson.Default.JsonObject)
                : WebErrors.Error("no_previous_head", "There is no older head version to return to."));
        return api;
    }

    public static JsonObject TrainingJson(TrainingState state) => new()
    {
        ["phase"] = state.Phase,
        ["batches"] = state.Batches,
        ["totalBatches"] = state.TotalBatches,
        ["progress"] = state.TotalBatches > 0 ? Math.Round(Math.Min(1, state.Batches / (double)state.TotalBatches), 3) : null,
        ["version"] = state.Version,
        ["message"] = state.Message,
    };

    private static async Task<IResult> ListAsync(HeadRepository repository, ActiveHead active, ISampleStore samples, IInferenceEngine engine, IOptions<LearningOptions> options, TrainingProgress progress, CancellationToken cancellationToken)
    {
        var counts = await samples.CountByClassAsync(cancellationToken);
        var classes = new JsonArray();
        foreach (var count in counts.Where(c => c.Held > 0))
        {
            classes.Add(new JsonObject { ["label"] = count.Label, ["samples"] = count.Held, ["seen"] = count.Seen, ["needs"] = Math.Max(0, HeadReport.LabelsPerClass - count.Held) });
        }

        var model = engine.Model.Id;
        var stored = await samples.ListAsync(new SampleQuery(ModelId: model, Limit: int.MaxValue, IncludeEmbedding: true), cancellationToken);
        var heldBack = stored.Where(s => GatedTraining.IsValidation(s.Id, options.Value.ValidationFraction)).ToList();
        var versions = new JsonArray();
        foreach (var version in repository.Versions().Reverse())
        {
            if (await repository.LoadVersionAsync(version, cancellationToken) is not { } loaded)
            {
                versions.Add(new JsonObject { ["version"] = version, ["loadable"] = false });
                continue;
            }

            var info = loaded.Info;
            versions.Add(new JsonObject
            {
                ["version"] = info.Version,
                ["loadable"] = true,
                ["active"] = active.Current?.Info.Version == info.Version,
                ["createdAt"] = MessageEnvelope.FormatTimestamp(info.CreatedAt),
                ["backbone"] = info.BackboneId,
                ["samples"] = info.Samples,
                ["classes"] = new JsonArray([.. loaded.Head.Classes.Select(c => (JsonNode)c)]),
                ["validationAccuracy"] = Math.Round(info.ValidationAccuracy, 4),
                ["heldBack"] = info.BackboneId == model ? HeadReport.Evaluate(loaded.Head, heldBack) : null,
            });
        }

        return TypedResults.Json(new JsonObject
        {
            ["ok"] = true,
            ["activeVersion"] = active.Current?.Info.Version,
            ["labelsPerClass"] = HeadReport.LabelsPerClass,
            ["classes"] = classes,
            ["versions"] = versions,
            ["training"] = TrainingJson(progress.State),
        }, WebJson.Default.JsonObject);
    }
}
