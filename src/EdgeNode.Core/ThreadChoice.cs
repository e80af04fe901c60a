namespace EdgeNode.Core;

/// <summary>The intra-op thread count a session runs with, and the timings it was chosen from.</summary>
/// <param name="Threads">Threads in use (0: the runtime's default, one per core).</param>
/// <param name="Tuned">True when measured at load (<c>IntraOpThreads=auto</c>), false when configured.</param>
/// <param name="MeanMsByThreads">With <paramref name="Tuned"/>: mean run time in ms for 1, 2, … threads as far as measured (index 0 is 1 thread).</param>
public sealed record ThreadChoice(int Threads, bool Tuned, IReadOnlyList<double> MeanMsByThreads);
