namespace EdgeNode.Cli;

/// <summary>FedAvg rounds of one <c>simulate-fleet</c> run.</summary>
/// <param name="Rows">Per round: version, test accuracy, seconds, bytes per update, broker messages.</param>
/// <param name="BytesPerUpdate">Mean bytes per update over the run.</param>
/// <param name="MessagesPerRound">Mean broker messages per round.</param>
/// <param name="Epsilon">DP ε of the gradient rounds (0 without DP).</param>
/// <param name="Failures">Node failures.</param>
internal sealed record FleetRoundsResult(
    IReadOnlyList<(long Round, double Accuracy, double Seconds, double BytesPerUpdate, long Messages)> Rows,
    double BytesPerUpdate,
    double MessagesPerRound,
    double Epsilon,
    int Failures);
