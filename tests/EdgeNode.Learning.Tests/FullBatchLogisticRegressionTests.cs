using EdgeNode.Testing;
using EdgeNode.Learning;

namespace EdgeNode.Learning.Tests;

public sealed class FullBatchLogisticRegressionTests
{
    [Fact]
    public void Fit_Converges_AndMiniBatchAdamMatchesItsAccuracy()
    {
        var (train, test) = Blobs.Make(classes: 6, dimension: 48, trainPerClass: 60, testPerClass: 40, spread: 2.2f);
        const float l2 = 5e-2f;

        var (reference, report) = FullBatchLogisticRegression.Fit(train, l2);
        var head = new HeadModel(48);
        var options = new TrainingOptions { Epochs = 200, LearningRate = 1e-2f, L2 = l2, BalanceClasses = false };
        var training = HeadTrainer.Train(head, train, options);

        Assert.True(report.Converged, $"gradient {report.GradientNorm} after {report.Iterations}");
        var referenceAccuracy = HeadEvaluator.Accuracy(reference, test);
        var accuracy = HeadEvaluator.Accuracy(head, test);
        Assert.InRange(referenceAccuracy, 0.6, 0.999);
        Assert.True(Math.Abs(accuracy - referenceAccuracy) <= 0.02, $"mini-batch {accuracy}, reference {referenceAccuracy}");

        // The reference is the minimum of the same objective.
        Assert.True(report.Loss <= training.FinalLoss + 1e-3, $"reference loss {report.Loss}, Adam {training.FinalLoss}");
        Assert.True(training.FinalLoss - report.Loss < 0.02 * report.Loss, $"Adam stopped at {training.FinalLoss}, the optimum is {report.Loss}");
    }
}
