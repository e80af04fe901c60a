using EdgeNode.Compression.Onnx.Proto;
using Google.Protobuf;
using SkiaSharp;

namespace EdgeNode.Compression.Tests;

/// <summary>A scratch folder with helpers to write models and images; deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgenode-compression-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string WriteModel(string name, ModelProto model)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>Writes <paramref name="count"/> small JPEGs of random smooth colour fields into <paramref name="folder"/>.</summary>
    public string WriteImages(string folder, int count, int seed = 3)
    {
        var directory = File(folder);
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            using var bitmap = new SKBitmap(24, 20);
            var (r, g, b) = (random.Next(256), random.Next(256), random.Next(256));
            for (var y = 0; y < bitmap.Height; y++)
            {
                for (var x = 0; x < bitmap.Width; x++)
                {
                    bitmap.SetPixel(x, y, new SKColor((byte)((r + (x * 9)) % 256), (byte)((g + (y * 11)) % 256), (byte)((b + (x * y)) % 256)));
                }
            }

            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
            System.IO.File.WriteAllBytes(System.IO.Path.Combine(directory, $"img{i:D3}.jpg"), data.ToArray());
        }

        return directory;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Leftovers in the temp folder are harmless.
        }
    }
}
