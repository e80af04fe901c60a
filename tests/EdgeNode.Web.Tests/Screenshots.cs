using SkiaSharp;

namespace EdgeNode.Web.Tests;

/// <summary>Screenshots saved under the test output (<c>screenshots/</c>) and checked for content.</summary>
public static class Screenshots
{
    /// <summary>Where they go.</summary>
    public static string Directory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>Saves <paramref name="png"/> as <paramref name="name"/>.png and asserts it is not blank (its pixels vary).</summary>
    public static async Task<byte[]> SaveAsync(string name, byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        await File.WriteAllBytesAsync(Path.Combine(Directory, name + ".png"), png);
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        var levels = new HashSet<uint>();
        for (var y = 0; y < bitmap.Height; y += 7)
        {
            for (var x = 0; x < bitmap.Width; x += 7)
            {
                levels.Add((uint)bitmap.GetPixel(x, y) >> 4);
            }
        }

        Assert.True(levels.Count > 20, $"{name}.png looks blank: {levels.Count} distinct colours");
        return png;
    }
}
