namespace EdgeNode.Learning;

/// <summary>Outcome of a gated training run.</summary>
/// <param name="Accepted">True when the candidate may replace the active head.</param>
/// <param name="Candidate">The trained head.</param>
/// <param name="CandidateAccuracy">Its accuracy on the validation split.</param>
/// <param name="CurrentAccuracy">The active head's accuracy on the same split (0 without one).</param>
/// <param name="TrainCount">Training samples.</param>
/// <param name="ValidationCount">Validation samples.</param>
/// <param name="Reason">Why it was accepted or rejected.</param>
public sealed record GateResult(bool Accepted, HeadModel Candidate, double CandidateAccuracy, double CurrentAccuracy, int TrainCount, int ValidationCount, string Reason);
