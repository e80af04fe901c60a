using EdgeNode.Learning;

namespace EdgeNode.Web;

/// <summary>
/// <c>POST /api/labels</c> (<c>{"result": "&lt;id&gt;" | "last", "label": "cat"}</c>, through the same <see cref="LabelIntake"/> as
/// <c>cmd/label</c>), <c>DELETE /api/labels/{sample}</c> (undo) and <c>PUT /api/labelling</c> (the labelling session that keeps frames).
/// </summary>
internal static class LabelEndpoints
{
    public static RouteGroupBuilder MapLabels(this RouteGroupBuilder api)
    {
        api.MapPost("/labels", LabelAsync);
        api.MapDelete("/labels/{sample:long}", async (long sample, ISampleStore samples, CancellationToken cancellationToken) =>
            await samples.RemoveAsync(sample, cancellationToken)
                ? (IResult)TypedResults.Json(new JsonObject { ["ok"] = true, ["sample"] = sample }, WebJson.Default.JsonObject)
                : WebErrors.Error("not_found", $"There is no sample {sample}."));
        api.MapPut("/labelling", LabellingAsync);
        return api;
    }

    private static async Task<IResult> LabelAsync(HttpRequest request, JsonBody body, LabelIntake intake, HeadTrainingService training, CancellationToken cancellationToken)
    {
        var (document, raw, error) = await body.ReadAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        using (document)
        {
            var outcome = await intake.HandleAsync(raw, "web", cancellationToken);
            if (!outcome.Ok)
            {
                return WebErrors.Error(outcome.ErrorCode ?? "bad_request", outcome.Message ?? "Rejected.");
            }

            training.OnLabelAccepted();
            return TypedResults.Json(new JsonObject
            {
                ["ok"] = true,
                ["result"] = outcome.ResultId,
                ["label"] = document!.RootElement.GetProperty("label").GetString()!.Trim(),
                ["stored"] = outcome.Stored,
                ["sample"] = outcome.SampleId,
            }, WebJson.Default.JsonObject);
        }
    }

    private static async Task<IResult> LabellingAsync(HttpRequest request, JsonBody body, LabellingSession session, CancellationToken cancellationToken)
    {
        var (storeImages, error) = await body.ReadObjectAsync<bool>(request, "{\"storeImages\": true | false}", TryStoreImages, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (storeImages)
        {
            session.Renew();
        }
        else
        {
            session.End();
        }

        return TypedResults.Json(new JsonObject { ["ok"] = true, ["storeImages"] = session.StoreImages, ["leaseSeconds"] = LabellingSession.Lease.TotalSeconds }, WebJson.Default.JsonObject);
    }

    private static bool TryStoreImages(JsonElement root, out bool storeImages)
    {
        storeImages = false;
        if (!root.TryGetProperty("storeImages", out var store) || store.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        storeImages = store.GetBoolean();
        return true;
    }
}
