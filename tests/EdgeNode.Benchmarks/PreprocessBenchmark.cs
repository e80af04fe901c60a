using System.Diagnostics;
using EdgeNode.Core;
using EdgeNode.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace EdgeNode.Benchmarks;

/// <summary>
/// Pre-processing of a 640x480 MJPEG frame versus one backbone inference, interleaved in one run:
/// <c>dotnet run -c Release --project tests/EdgeNode.Benchmarks -- preprocess [models-dir] [model-id] [iterations]</c>.
/// </summary>
internal static class PreprocessBenchmark
{
    public static int Run(string[] args, TextWriter output)
    {
        var modelsDir = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.GetFullPath("src/EdgeNode/bin/Release/net10.0/models");
        var manifest = ModelManifest.Load(modelsDir);
        var modelId = args.Length > 1 ? args[1] : manifest.Models[0].Id;
        var iterations = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100;
        using var engine = OnnxInferenceEngine.Load(new InferenceOptions { ModelsPath = modelsDir, Model = modelId, Providers = ["CPU"], IntraOpThreads = "2" }, NullLogger.Instance);
        var jpeg = RenderJpeg(640, 480);
        using var frame = Frame.Copy(1, DateTimeOffset.UtcNow, 640, 480, FrameFormat.Jpeg, jpeg);
        var tensor = new float[engine.Preprocessor.TensorLength];
        var embedding = new float[engine.Model.EmbeddingSize];

        for (var i = 0; i < 5; i++)
        {
            engine.Preprocessor.Process(frame, tensor);
            engine.EmbedTensor(tensor, embedding);
        }

        var pre = new double[iterations];
        var infer = new double[iterations];
        long allocated = 0;
        for (var i = 0; i < iterations; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var t0 = Stopwatch.GetTimestamp();
            engine.Preprocessor.Process(frame, tensor);
            var t1 = Stopwatch.GetTimestamp();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            engine.EmbedTensor(tensor, embedding);
            var t2 = Stopwatch.GetTimestamp();
            pre[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
            infer[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
        }

        Array.Sort(pre);
        Array.Sort(infer);
        var preMedian = pre[iterations / 2];
        var inferMedian = infer[iterations / 2];
        output.WriteLine($"model {modelId}, {iterations} interleaved iterations, 640x480 JPEG ({jpeg.Length} bytes)");
        output.WriteLine($"pre-processing p50 {preMedian:F2} ms, inference p50 {inferMedian:F2} ms, ratio {preMedian / inferMedian:P1}");
        output.WriteLine($"managed allocation per pre-processed frame: {allocated / iterations} bytes");
        return 0;
    }

    private static byte[] RenderJpeg(int width, int height)
    {
        // A busy natural-looking scene: gradients, shapes and noise so the JPEG is of realistic size.
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using (var canvas = new SKCanvas(bitmap))
        {
            using var shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height), [SKColors.SkyBlue, SKColors.ForestGreen, SKColors.SaddleBrown], SKShaderTileMode.Clamp);
            using var paint = new SKPaint { Shader = shader };
            canvas.DrawRect(0, 0, width, height, paint);
            var random = new Random(1);
            using var shape = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 200; i++)
            {
                shape.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 160);
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(4, 40), shape);
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }
}
