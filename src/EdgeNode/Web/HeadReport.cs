using EdgeNode.Common;
using EdgeNode.Learning;

namespace EdgeNode.Web;

/// <summary>
/// How a head does on the held-back samples (the same id-based split the validation gate uses): accuracy overall and
/// per class, and the confusion matrix (rows: true class, columns: predicted class).
/// </summary>
internal static class HeadReport
{
    /// <summary>Labels a class should have before its accuracy means much: with a fifth held back, two or more of them are in the held-back split.</summary>
    public const int LabelsPerClass = 10;

    public static JsonObject Evaluate(HeadModel head, IReadOnlyList<LabeledSample> heldBack)
    {
        var classes = heldBack.Select(s => s.Label).Concat(head.Classes).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var confusion = new int[classes.Count, classes.Count];
        var probabilities = new float[Math.Max(1, head.Classes.Count)];
        var evaluated = 0;
        foreach (var sample in heldBack)
        {
            if (sample.Embedding is not { } embedding || embedding.Length != head.InputSize || head.Classes.Count == 0 || !EmbeddingGuard.IsFinite(embedding))
            {
                continue;
            }

            var predicted = head.Predict(embedding, probabilities).Label;
            confusion[index[sample.Label], index[predicted]]++;
            evaluated++;
        }

        var perClass = new JsonObject();
        var matrix = new JsonArray();
        var correct = 0;
        for (var t = 0; t < classes.Count; t++)
        {
            var row = new JsonArray();
            var total = 0;
            for (var p = 0; p < classes.Count; p++)
            {
                row.Add(confusion[t, p]);
                total += confusion[t, p];
            }

            correct += confusion[t, t];
            perClass[classes[t]] = total == 0 ? null : Math.Round(confusion[t, t] / (double)total, 4);
            matrix.Add(row);
        }

        return new JsonObject
        {
            ["count"] = evaluated,
            ["accuracy"] = evaluated == 0 ? null : Math.Round(correct / (double)evaluated, 4),
            ["perClass"] = perClass,
            ["classes"] = new JsonArray([.. classes.Select(c => (JsonNode)c)]),
            ["confusion"] = matrix,
        };
    }
}
