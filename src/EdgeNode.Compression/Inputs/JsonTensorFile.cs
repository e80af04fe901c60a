using System.Text.Json;

namespace EdgeNode.Compression.Inputs;

/// <summary>
/// A tensor in JSON: <c>{"shape": [1, 5], "data": [101, 2023, …]}</c>, or nested arrays (<c>[[101, 2023, …]]</c>)
/// whose nesting gives the shape. JSON has no element type: the values take the model input's.
/// </summary>
internal static class JsonTensorFile
{
    public static (long[] Shape, Array Data) Read(string path, int elementType)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var values = new List<double>();
            long[] shape;
            if (root.ValueKind == JsonValueKind.Object)
            {
                shape = [.. root.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
                Flatten(root.GetProperty("data"), values, null, 0);
            }
            else
            {
                var dims = new List<long>();
                for (var e = root; e.ValueKind == JsonValueKind.Array; e = e.GetArrayLength() > 0 ? e[0] : default)
                {
                    dims.Add(e.GetArrayLength());
                }

                shape = [.. dims];
                Flatten(root, values, shape, 0);
            }

            var count = shape.Aggregate(1L, (a, b) => a * b);
            return count == values.Count
                ? (shape, ElementTypes.Create(elementType, values.Count, i => values[i]))
                : throw new CompressionException($"'{path}' holds {values.Count} values for shape [{string.Join(",", shape)}].");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CompressionException($"'{path}' is not a JSON tensor ({{\"shape\": [...], \"data\": [...]}} or nested arrays): {ex.Message}", ex);
        }
    }

    private static void Flatten(JsonElement element, List<double> values, long[]? shape, int depth)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            values.Add(element.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                _ => element.GetDouble(),
            });
            return;
        }

        if (shape is not null && (depth >= shape.Length || element.GetArrayLength() != shape[depth]))
        {
            throw new FormatException("nested arrays of unequal lengths");
        }

        foreach (var item in element.EnumerateArray())
        {
            Flatten(item, values, shape, depth + 1);
        }
    }
}
