namespace EdgeNode.Core;

/// <summary>
/// The largest image decoded from outside (camera, folder, command): checked on the header's dimensions before any
/// pixel buffer exists, so a small file that claims 50,000×50,000 (a decompression bomb) is refused as bad data.
/// </summary>
public static class ImageLimits
{
    /// <summary>64 megapixels: above an 8K frame (33 MP), and 256 MiB of RGBA at most.</summary>
    public const long MaxPixels = 64L * 1024 * 1024;

    /// <summary>True when an image of <paramref name="width"/>×<paramref name="height"/> may be decoded.</summary>
    public static bool Allows(int width, int height) => width > 0 && height > 0 && (long)width * height <= MaxPixels;

    /// <summary>Throws <see cref="InvalidDataException"/> unless <see cref="Allows"/>.</summary>
    public static void ThrowIfTooLarge(int width, int height)
    {
        if (!Allows(width, height))
        {
            throw new InvalidDataException($"The image claims {width}x{height} pixels; at most {MaxPixels} pixels are decoded.");
        }
    }
}
