using EdgeNode.Inference;
using EdgeNode.Learning;

namespace EdgeNode.Compression.Evaluation;

/// <summary>
/// Trains linear heads on a labelled folder (<c>train/&lt;class&gt;/*</c>, <c>test/&lt;class&gt;/*</c>) and
/// compares the input and compressed models' features through them.
/// </summary>
internal static class HeadEvaluator
{
    /// <summary>Fails early, before any output is written, when the folder lacks the train/test class layout.</summary>
    public static void CheckLayout(string directory)
    {
        var (_, _, classes) = List(Path.Combine(directory, "train"), null);
        List(Path.Combine(directory, "test"), classes);
    }

    public static HeadAccuracy Evaluate(
        string directory,
        ModelSession input,
        ModelSession compressed,
        ImagePreprocessor preprocessor,
        IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        var (trainFiles, trainLabels, classes) = List(Path.Combine(directory, "train"), null);
        var (testFiles, testLabels, _) = List(Path.Combine(directory, "test"), classes);
        var trainA = Features(trainFiles, input, preprocessor, progress, "head features (input model, train)", cancellationToken);
        var trainB = Features(trainFiles, compressed, preprocessor, progress, "head features (compressed model, train)", cancellationToken);
        var testA = Features(testFiles, input, preprocessor, progress, "head features (input model, test)", cancellationToken);
        var testB = Features(testFiles, compressed, preprocessor, progress, "head features (compressed model, test)", cancellationToken);
        progress?.Report("training linear heads");
        var head = Train(trainA, trainLabels, classes);
        var retrained = Train(trainB, trainLabels, classes);
        int correctA = 0, correctDropIn = 0, correctRetrained = 0, agree = 0;
        for (var i = 0; i < testFiles.Count; i++)
        {
            var a = Predict(head, testA[i], classes);
            var b = Predict(head, testB[i], classes);
            correctA += a == testLabels[i] ? 1 : 0;
            correctDropIn += b == testLabels[i] ? 1 : 0;
            correctRetrained += Predict(retrained, testB[i], classes) == testLabels[i] ? 1 : 0;
            agree += a == b ? 1 : 0;
        }

        double n = testFiles.Count;
        return new HeadAccuracy(classes.Count, trainFiles.Count, testFiles.Count, correctA / n, correctDropIn / n, correctRetrained / n, agree / n);
    }

    /// <summary>The head a node trains on-device: the Learning library's trainer with the node's default options.</summary>
    private static HeadModel Train(List<float[]> features, List<int> labels, List<string> classes)
    {
        var data = new SampleSet(features[0].Length, features.Count);
        for (var i = 0; i < features.Count; i++)
        {
            data.Add(features[i], classes[labels[i]]);
        }

        var head = new HeadModel(data.Dimension);
        HeadTrainer.Train(head, data, new TrainingOptions());
        return head;
    }

    private static int Predict(HeadModel head, float[] features, List<string> classes) =>
        classes.IndexOf(head.Predict(features, new float[head.Classes.Count]).Label);

    private static (List<string> Files, List<int> Labels, List<string> Classes) List(string directory, List<string>? classes)
    {
        if (!Directory.Exists(directory))
        {
            throw new CompressionException($"The head data folder needs '{directory}' with one sub-folder per class.");
        }

        classes ??= [.. Directory.GetDirectories(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
        var files = new List<string>();
        var labels = new List<int>();
        for (var c = 0; c < classes.Count; c++)
        {
            var classDirectory = Path.Combine(directory, classes[c]);
            if (!Directory.Exists(classDirectory))
            {
                continue;
            }

            foreach (var file in Directory.GetFiles(classDirectory).Order(StringComparer.Ordinal))
            {
                files.Add(file);
                labels.Add(c);
            }
        }

        if (classes.Count < 2 || files.Count == 0)
        {
            throw new CompressionException($"'{directory}' needs at least two class folders with images.");
        }

        return (files, labels, classes);
    }

    private static List<float[]> Features(List<string> files, ModelSession model, ImagePreprocessor preprocessor, IProgress<string>? progress, string step, CancellationToken cancellationToken)
    {
        var tensor = new float[preprocessor.TensorLength];
        var features = new List<float[]>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                preprocessor.ProcessEncoded(File.ReadAllBytes(files[i]), tensor);
            }
            catch (InvalidDataException ex)
            {
                throw new CompressionException($"Head data image '{files[i]}' cannot be decoded: {ex.Message}", ex);
            }

            features.Add(model.Run(tensor));
            if ((i + 1) % 100 == 0 || i + 1 == files.Count)
            {
                progress?.Report($"{step}: {i + 1}/{files.Count}");
            }
        }

        return features;
    }
}
