namespace EdgeNode.Core;

/// <summary>Pixel layout of a <see cref="Frame"/>'s bytes.</summary>
public enum FrameFormat
{
    /// <summary>Packed 8-bit R, G, B, row-major, no padding.</summary>
    Rgb24,

    /// <summary>A complete JPEG image (MJPEG cameras, <c>process:</c> sources, image folders).</summary>
    Jpeg,
}
