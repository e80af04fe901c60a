namespace EdgeNode.Learning.Discriminant;

/// <summary>Class-incremental accuracy of the statistics-based heads against the same learner trained jointly.</summary>
/// <param name="Discriminant">After the last task: the discriminant of the streamed statistics (no replay store).</param>
/// <param name="DiscriminantJoint">The discriminant of all training data at once.</param>
/// <param name="Refined">After the last task: the discriminant refined by softmax training on the task's data and the replay reservoir.</param>
/// <param name="RefinedJoint">The discriminant of all data refined on all data.</param>
/// <param name="AfterEachTask">Discriminant accuracy on the classes seen so far, after each task.</param>
public sealed record StatisticsIncrementalReport(double Discriminant, double DiscriminantJoint, double Refined, double RefinedJoint, IReadOnlyList<double> AfterEachTask);
