namespace EdgeNode.Learning;

/// <summary>Accuracy of a head on labelled embeddings.</summary>
public static class HeadEvaluator
{
    /// <summary>Fraction of <paramref name="data"/> whose predicted class is the label (0 for an empty set; a class the head lacks counts as wrong).</summary>
    public static double Accuracy(HeadModel head, SampleSet data)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0 || head.Classes.Count == 0)
        {
            return 0;
        }

        var probabilities = new float[head.Classes.Count];
        var correct = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var prediction = head.Predict(data.Row(i), probabilities);
            if (string.Equals(prediction.Label, data.LabelOf(i), StringComparison.Ordinal))
            {
                correct++;
            }
        }

        return correct / (double)data.Count;
    }
}
