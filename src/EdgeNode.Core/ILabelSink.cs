namespace EdgeNode.Core;

/// <summary>Receives labels for results (GPIO button, MQTT command, labelled folder) and feeds on-device learning.</summary>
public interface ILabelSink
{
    /// <summary>
    /// Labels the result <paramref name="resultId"/> (or <c>last</c> for the most recent one) with
    /// <paramref name="label"/>. Throws <see cref="ArgumentException"/> for an unknown result or an invalid label.
    /// </summary>
    ValueTask LabelAsync(string resultId, string label, string source, CancellationToken cancellationToken);
}
