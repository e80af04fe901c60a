using System.Buffers;
using System.Text;
using EdgeNode.Learning;
using EdgeNode.Learning.Discriminant;

namespace EdgeNode.Cli;

/// <summary>
/// <c>simulate-fleet</c>'s results for every head kind: text lines and the <c>--json</c> object whose top-level
/// fields (<c>accuracy</c>, <c>accuracy_centralized</c>, <c>rounds</c>, <c>bytes_per_update</c>) describe <c>--head</c>.
/// </summary>
internal sealed class SimulateFleetReport
{
    private readonly SimulateFleetArguments _a;
    private readonly SampleSet _test;
    private readonly Dictionary<HeadKind, double> _central = [];
    private FleetStatisticsResult? _statistics;

    public SimulateFleetReport(SimulateFleetArguments a, SampleSet train, SampleSet test, double centralSoftmax)
    {
        _a = a;
        _test = test;
        var statistics = new DiscriminantStatistics(train.Dimension);
        statistics.AddRange(train);
        _central[HeadKind.Softmax] = centralSoftmax;
        _central[HeadKind.Discriminant] = HeadEvaluator.Accuracy(LinearDiscriminant.Fit(statistics), test);
        _central[HeadKind.DiscriminantSoftmax] = HeadEvaluator.Accuracy(HeadFit.Train(HeadKind.DiscriminantSoftmax, statistics, train, new TrainingOptions { Seed = a.Seed }), test);
    }

    private double StatisticsAccuracy => HeadEvaluator.Accuracy(_statistics!.Head, _test);

    public string Statistics(FleetStatisticsResult result)
    {
        _statistics = result;
        var exact = HeadEvaluator.Accuracy(result.HeadExact, _test);
        return FormattableString.Invariant($"discriminant round   1: accuracy {StatisticsAccuracy:F4} (float64 sum without transport {exact:F4}; centralized discriminant {_central[HeadKind.Discriminant]:F4})  {result.Seconds:F2} s  {result.BytesPerUpdate:F0} B/update  {result.Messages} messages");
    }

    public IEnumerable<string> Lines(FleetRoundsResult softmax, FleetRoundsResult refined)
    {
        foreach (var kind in HeadKinds.All)
        {
            var (accuracy, rounds, bytes) = Summary(kind, softmax, refined);
            var central = _central[kind];
            var extra = kind == HeadKind.DiscriminantSoftmax ? FormattableString.Invariant($"; lowest refinement round {refined.Rows.Min(r => r.Accuracy):F4} vs statistics round {StatisticsAccuracy:F4}") : string.Empty;
            yield return FormattableString.Invariant($"{HeadKinds.Name(kind)}{(kind == _a.Head ? " (default)" : string.Empty)}: final accuracy {accuracy:F4} vs centralized {central:F4} ({accuracy / central:P1}) after {rounds} rounds; {bytes:F0} B/update{extra}");
        }

        var s = _statistics!;
        if (s.Epsilon > 0)
        {
            yield return FormattableString.Invariant($"statistics round DP: ε = {s.Epsilon:F2} at δ = 1e-5; {s.Bounded} updates bounded");
        }

        yield return FormattableString.Invariant($"softmax rounds: {softmax.MessagesPerRound:F0} broker messages/round; mean round {softmax.Rows.Average(r => r.Seconds):F2} s; {softmax.Failures + refined.Failures} node failures{(_a.DpNoise > 0 ? FormattableString.Invariant($"; DP ε = {softmax.Epsilon:F2} at δ = 1e-5") : string.Empty)}");
    }

    public string Json(FleetRoundsResult softmax, FleetRoundsResult refined)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps the '+' of "discriminant+softmax" readable; the values are plain ASCII names and numbers.
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            var (accuracy, rounds, bytes) = Summary(_a.Head, softmax, refined);
            w.WriteNumber("accuracy", Math.Round(accuracy, 4));
            w.WriteNumber("accuracy_centralized", Math.Round(_central[_a.Head], 4));
            w.WriteNumber("rounds", rounds);
            w.WriteNumber("bytes_per_update", Math.Round(bytes));
            w.WriteString("head_kind", HeadKinds.Name(_a.Head));
            w.WriteNumber("nodes", _a.Nodes);
            w.WriteString("partition", _a.Partition);
            w.WriteString("compression", _a.Compression);
            w.WriteNumber("round_seconds_mean", Math.Round(softmax.Rows.Average(r => r.Seconds), 3));
            w.WriteNumber("round_seconds_max", Math.Round(softmax.Rows.Max(r => r.Seconds), 3));
            w.WriteNumber("messages_per_round", Math.Round(softmax.MessagesPerRound));
            if (_a.DpNoise > 0)
            {
                w.WriteNumber("dp_noise", _a.DpNoise);
                w.WriteNumber("dp_epsilon", Math.Round(softmax.Epsilon, 3));
                w.WriteNumber("dp_delta", 1e-5);
            }

            WriteRounds(w, PerRound(_a.Head, softmax, refined));
            w.WriteStartObject("heads");
            foreach (var kind in HeadKinds.All)
            {
                WriteKind(w, kind, softmax, refined);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private void WriteKind(Utf8JsonWriter w, HeadKind kind, FleetRoundsResult softmax, FleetRoundsResult refined)
    {
        var (accuracy, rounds, bytes) = Summary(kind, softmax, refined);
        w.WriteStartObject(HeadKinds.Name(kind));
        w.WriteNumber("accuracy", Math.Round(accuracy, 4));
        w.WriteNumber("accuracy_centralized", Math.Round(_central[kind], 4));
        w.WriteNumber("rounds", rounds);
        w.WriteNumber("bytes_per_update", Math.Round(bytes));
        if (kind != HeadKind.Softmax)
        {
            var s = _statistics!;
            w.WriteNumber("accuracy_statistics_round", Math.Round(StatisticsAccuracy, 4));
            w.WriteNumber("accuracy_statistics_float64", Math.Round(HeadEvaluator.Accuracy(s.HeadExact, _test), 4));
            w.WriteNumber("statistics_bytes_per_update", Math.Round(s.BytesPerUpdate));
            w.WriteString("statistics_precision", _a.StatisticsPrecision == Learning.Federated.StatisticsPrecision.Exact ? "float64" : "float32");
            w.WriteNumber("bounded_updates", s.Bounded);
            if (s.Epsilon > 0)
            {
                w.WriteNumber("dp_epsilon", Math.Round(s.Epsilon, 3));
                w.WriteNumber("dp_delta", 1e-5);
                w.WriteString("dp_unit", _a.DpUnit == Learning.Federated.PrivacyUnit.Sample ? "sample" : "node");
            }
        }

        if (kind == HeadKind.DiscriminantSoftmax)
        {
            w.WriteNumber("accuracy_min_round", Math.Round(refined.Rows.Min(r => r.Accuracy), 4));
        }

        WriteRounds(w, PerRound(kind, softmax, refined));
        w.WriteEndObject();
    }

    private static void WriteRounds(Utf8JsonWriter w, IEnumerable<double> accuracies)
    {
        w.WriteStartArray("accuracy_per_round");
        foreach (var accuracy in accuracies)
        {
            w.WriteNumberValue(Math.Round(accuracy, 4));
        }

        w.WriteEndArray();
    }

    private IEnumerable<double> PerRound(HeadKind kind, FleetRoundsResult softmax, FleetRoundsResult refined) => kind switch
    {
        HeadKind.Discriminant => [StatisticsAccuracy],
        HeadKind.Softmax => softmax.Rows.Select(r => r.Accuracy),
        _ => refined.Rows.Select(r => r.Accuracy).Prepend(StatisticsAccuracy),
    };

    private (double Accuracy, int Rounds, double BytesPerUpdate) Summary(HeadKind kind, FleetRoundsResult softmax, FleetRoundsResult refined)
    {
        var s = _statistics!;
        return kind switch
        {
            HeadKind.Discriminant => (StatisticsAccuracy, 1, s.BytesPerUpdate),
            HeadKind.Softmax => (softmax.Rows[^1].Accuracy, softmax.Rows.Count, softmax.BytesPerUpdate),
            _ => (refined.Rows[^1].Accuracy, refined.Rows.Count + 1, ((refined.BytesPerUpdate * refined.Rows.Count) + s.BytesPerUpdate) / (refined.Rows.Count + 1)),
        };
    }
}
