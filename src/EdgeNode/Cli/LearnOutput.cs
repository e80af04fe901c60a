using System.Globalization;
using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>How <c>edgenode learn</c> prints the head kinds: one text line each, and one JSON object each under <c>heads</c>.</summary>
internal static class LearnOutput
{
    /// <summary>The text line of <paramref name="k"/>; the default kind is marked.</summary>
    public static string Line(HeadKindResult k, HeadKind chosen)
    {
        var shots = string.Join(", ", k.FewShot.Select(f => FormattableString.Invariant($"{f.Shots}-shot {f.Accuracy:F4}")));
        var incremental = k.Incremental is { } inc ? FormattableString.Invariant($"; class-incremental {inc:F4} vs joint {k.Joint:F4}") : string.Empty;
        return FormattableString.Invariant($"head {HeadKinds.Name(k.Kind)}{(k.Kind == chosen ? " (default)" : string.Empty)}: accuracy {k.Accuracy:F4}, ECE {k.CalibrationError:F4} (T = {k.Temperature:F2}; {k.UncalibratedError:F4} before){incremental}; {shots}; fit {k.TrainSeconds * 1000:F0} ms");
    }

    /// <summary>Writes <c>head_kind</c> and the <c>heads</c> object (one object per kind) into the open JSON object.</summary>
    public static void WriteKinds(Utf8JsonWriter w, HeadKind chosen, IReadOnlyList<HeadKindResult> kinds)
    {
        w.WriteString("head_kind", HeadKinds.Name(chosen));
        w.WriteStartObject("heads");
        foreach (var k in kinds)
        {
            w.WriteStartObject(HeadKinds.Name(k.Kind));
            w.WriteNumber("accuracy", Math.Round(k.Accuracy, 4));
            w.WriteNumber("ece", Math.Round(k.CalibrationError, 4));
            w.WriteNumber("ece_uncalibrated", Math.Round(k.UncalibratedError, 4));
            w.WriteNumber("temperature", Math.Round(k.Temperature, 4));
            if (k.Incremental is { } incremental)
            {
                w.WriteNumber("accuracy_incremental", Math.Round(incremental, 4));
                w.WriteNumber("accuracy_joint", Math.Round(k.Joint!.Value, 4));
            }

            foreach (var (shots, accuracy) in k.FewShot)
            {
                w.WriteNumber("accuracy_" + shots.ToString(CultureInfo.InvariantCulture) + "shot", Math.Round(accuracy, 4));
            }

            w.WriteNumber("fit_ms", Math.Round(k.TrainSeconds * 1000, 1));
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
