namespace EdgeNode.Learning;

/// <summary>Outcome of a class-incremental run compared with joint training.</summary>
/// <param name="Tasks">Number of tasks the classes were split into.</param>
/// <param name="ReplayPerClass">Replay reservoir cap per class.</param>
/// <param name="AccuracyIncremental">Test accuracy after the last task, with replay.</param>
/// <param name="AccuracyNoReplay">Test accuracy after the last task, trained on each task's data alone.</param>
/// <param name="AccuracyJoint">Test accuracy of one head trained on all classes at once.</param>
/// <param name="AfterEachTask">Accuracy (with replay) on the classes seen so far, after each task.</param>
public sealed record IncrementalReport(
    int Tasks,
    int ReplayPerClass,
    double AccuracyIncremental,
    double AccuracyNoReplay,
    double AccuracyJoint,
    IReadOnlyList<double> AfterEachTask);
