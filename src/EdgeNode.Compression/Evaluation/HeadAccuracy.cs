namespace EdgeNode.Compression.Evaluation;

/// <summary>Accuracy of a linear head on a labelled test split, fed by the input and by the compressed model.</summary>
/// <param name="Classes">Number of classes (sub-folders).</param>
/// <param name="TrainImages">Images the heads were trained on.</param>
/// <param name="TestImages">Images the accuracies are measured on.</param>
/// <param name="InputModelAccuracy">Head trained on the input model's features, tested on the input model's features.</param>
/// <param name="DropInAccuracy">The same head fed the compressed model's features (the drop-in case).</param>
/// <param name="RetrainedAccuracy">A head trained and tested on the compressed model's features.</param>
/// <param name="Top1Agreement">Fraction of test images where the drop-in prediction equals the input model's.</param>
public sealed record HeadAccuracy(int Classes, int TrainImages, int TestImages, double InputModelAccuracy, double DropInAccuracy, double RetrainedAccuracy, double Top1Agreement);
