using EdgeNode.Learning;
using EdgeNode.Storage;

namespace EdgeNode.Web;

/// <summary><c>GET /api/results?limit=&amp;before=</c>, <c>GET /api/results/{id}/image</c>, <c>GET /api/sensors</c>: the result cache, read-only.</summary>
internal static class ResultEndpoints
{
    public static RouteGroupBuilder MapResults(this RouteGroupBuilder api)
    {
        api.MapGet("/results", ListAsync);
        api.MapGet("/results/{id}/image", Image);
        api.MapGet("/sensors", SensorsAsync);
        return api;
    }

    private static async Task<IResult> ListAsync(string? limit, string? before, IOptions<StorageOptions> storage, RecentImages images, CancellationToken cancellationToken)
    {
        if (!TryInt(limit, 50, 1, 500, out var count))
        {
            return WebErrors.Error("bad_request", "'limit' must be an integer from 1 to 500.");
        }

        long? beforeSeq = null;
        if (!string.IsNullOrEmpty(before))
        {
            if (!long.TryParse(before, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var b))
            {
                return WebErrors.Error("bad_request", "'before' must be the 'next' value of an earlier page.");
            }

            beforeSeq = b;
        }

        var messages = await ReadAsync(storage.Value.Path, new ResultQuery(null, count, false, [MessageKind.Result], beforeSeq), cancellationToken);
        var list = new JsonArray();
        foreach (var message in messages.AsEnumerable().Reverse())
        {
            if (JsonNode.Parse(message.Payload.Span) is JsonObject result)
            {
                result["hasImage"] = result["id"]?.GetValue<string>() is { } id && images.Find(id) is not null;
                list.Add(result);
            }
        }

        return TypedResults.Json(new JsonObject { ["ok"] = true, ["results"] = list, ["next"] = messages.Count == count ? messages[0].Seq : null }, WebJson.Default.JsonObject);
    }

    private static IResult Image(string id, RecentImages images)
    {
        if (id == "last" || images.Find(id) is not { } jpeg)
        {
            return WebErrors.Error("unknown_result", $"No image of result '{id}' is kept (images are kept only during a labelling session or with EdgeNode:Learning:StoreImages, for the last EdgeNode:Learning:RecentImages results).");
        }

        return TypedResults.Bytes(jpeg, "image/jpeg");
    }

    private static async Task<IResult> SensorsAsync(string? minutes, IOptions<StorageOptions> storage, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!TryInt(minutes, 60, 1, 1440, out var span))
        {
            return WebErrors.Error("bad_request", "'minutes' must be an integer from 1 to 1440.");
        }

        var messages = await ReadAsync(storage.Value.Path, new ResultQuery(time.GetUtcNow().AddMinutes(-span), 20_000, false, [MessageKind.Sensor]), cancellationToken);
        var series = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            if (JsonNode.Parse(message.Payload.Span) is not JsonObject reading || reading["values"] is not JsonObject values)
            {
                continue;
            }

            var sensor = reading["sensor"]?.GetValue<string>() ?? "?";
            foreach (var (quantity, value) in values)
            {
                var key = sensor + "/" + quantity;
                if (!series.TryGetValue(key, out var s))
                {
                    s = new JsonObject { ["sensor"] = sensor, ["quantity"] = quantity, ["unit"] = value?["unit"]?.DeepClone(), ["points"] = new JsonArray() };
                    series[key] = s;
                }

                ((JsonArray)s["points"]!).Add(new JsonArray(message.CreatedAt.ToUnixTimeMilliseconds(), value?["value"]?.DeepClone()));
            }
        }

        return TypedResults.Json(new JsonObject { ["ok"] = true, ["series"] = new JsonArray([.. series.Values]) }, WebJson.Default.JsonObject);
    }

    private static async Task<List<StoredMessage>> ReadAsync(string database, ResultQuery query, CancellationToken cancellationToken)
    {
        var list = new List<StoredMessage>();
        if (!File.Exists(database))
        {
            return list;
        }

        await using var reader = await ResultCacheReader.OpenAsync(database, cancellationToken);
        await foreach (var message in reader.QueryAsync(query, cancellationToken))
        {
            list.Add(message);
        }

        return list;
    }

    private static bool TryInt(string? text, int fallback, int min, int max, out int value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text)
            || (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }
}
