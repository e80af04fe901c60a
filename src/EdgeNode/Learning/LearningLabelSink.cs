namespace EdgeNode.Learning;

/// <summary>Labels from sources other than MQTT (the GPIO button) go through the same intake as <c>cmd/label</c>.</summary>
internal sealed class LearningLabelSink(LabelIntake intake, HeadTrainingService training) : ILabelSink
{
    public async ValueTask LabelAsync(string resultId, string label, string source, CancellationToken cancellationToken)
    {
        var outcome = await intake.LabelAsync(resultId, label, source, cancellationToken);
        if (!outcome.Ok)
        {
            throw new ArgumentException($"{outcome.ErrorCode}: {outcome.Message}", nameof(label));
        }

        training.OnLabelAccepted();
    }
}
