namespace EdgeNode.Learning.Federated;

/// <summary>
/// A node's score for the fleet's validation gate: of its <paramref name="Total"/> validation samples, how many the round's
/// global head (the candidate) and the fleet head (the incumbent) classify correctly. Signed with the update it rides on.
/// </summary>
/// <param name="Total">Validation samples scored.</param>
/// <param name="CandidateCorrect">Correct by the round's global head.</param>
/// <param name="IncumbentCorrect">Correct by the fleet head.</param>
public readonly record struct ValidationScore(int Total, int CandidateCorrect, int IncumbentCorrect)
{
    /// <summary>Scores <paramref name="global"/>'s candidate and fleet head on <paramref name="validation"/>.</summary>
    public static ValidationScore Of(GlobalHead global, SampleSet validation)
    {
        ArgumentNullException.ThrowIfNull(global);
        ArgumentNullException.ThrowIfNull(validation);
        return new ValidationScore(validation.Count, Correct(global.ReadHead(), validation), Correct(global.ReadFleetHead(), validation));
    }

    /// <summary>Why the counts cannot be true (a negative count, or more correct than scored), or null.</summary>
    public string? Problem() =>
        Total < 0 || CandidateCorrect < 0 || IncumbentCorrect < 0 || CandidateCorrect > Total || IncumbentCorrect > Total
            ? $"validation counts {CandidateCorrect} and {IncumbentCorrect} of {Total} are not counts of one set"
            : null;

    private static int Correct(HeadModel head, SampleSet set) => (int)Math.Round(HeadEvaluator.Accuracy(head, set) * set.Count);
}
