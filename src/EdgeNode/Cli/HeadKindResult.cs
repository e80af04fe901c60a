using EdgeNode.Learning;

namespace EdgeNode.Cli;

/// <summary>One head kind's numbers in <c>edgenode learn</c>.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="Accuracy">Test accuracy trained on all training data.</param>
/// <param name="CalibrationError">Expected calibration error (15 bins) on the test set of that head after temperature scaling (as the node ships it).</param>
/// <param name="Incremental">With <c>--tasks</c>: accuracy after the last task.</param>
/// <param name="Joint">With <c>--tasks</c>: the same learner trained on all classes at once.</param>
/// <param name="FewShot">(labels per class, accuracy), the first labels of each class in file order.</param>
/// <param name="TrainSeconds">Time of the fit on all training data (without the temperature's fit).</param>
/// <param name="UncalibratedError">ECE of the same head before temperature scaling.</param>
/// <param name="Temperature">The temperature fitted on held-back training samples (1 for softmax).</param>
internal sealed record HeadKindResult(HeadKind Kind, double Accuracy, double CalibrationError, double? Incremental, double? Joint, IReadOnlyList<(int Shots, double Accuracy)> FewShot, double TrainSeconds, double UncalibratedError, double Temperature);
