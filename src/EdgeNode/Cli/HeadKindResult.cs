using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>One head kind's numbers in <c>edgenode learn</c>.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Accuracy">Test accuracy trained on all training data.</param>
/// <param name="CalibrationError">Expected calibration error (15 bins) of that head on the test set.</param>
/// <param name="Incremental">With <c>--tasks</c>: accuracy after the last task.</param>
/// <param name="Joint">With <c>--tasks</c>: the same learner trained on all classes at once.</param>
/// <param name="FewShot">(labels per class, accuracy), the first labels of each class in file order.</param>
/// <param name="TrainSeconds">Time of the fit on all training data.</param>
internal sealed record HeadKindResult(HeadKind Kind, double Accuracy, double CalibrationError, double? Incremental, double? Joint, IReadOnlyList<(int Shots, double Accuracy)> FewShot, double TrainSeconds);
