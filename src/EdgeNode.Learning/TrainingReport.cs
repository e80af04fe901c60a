namespace EdgeNode.Learning;

/// <summary>What a training run did.</summary>
/// <param name="Epochs">Epochs completed.</param>
/// <param name="Samples">Training samples per epoch.</param>
/// <param name="FinalLoss">Mean regularised loss of the last epoch.</param>
/// <param name="Elapsed">Wall time of the optimisation loop (standardisation excluded).</param>
public sealed record TrainingReport(int Epochs, int Samples, double FinalLoss, TimeSpan Elapsed)
{
    /// <summary>Training throughput: samples × epochs per second.</summary>
    public double SampleEpochsPerSecond => Elapsed > TimeSpan.Zero ? Samples * (double)Epochs / Elapsed.TotalSeconds : 0;
}
