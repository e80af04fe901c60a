using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Pipeline;

/// <summary>
/// <c>EdgeNode:Region</c>: the crop rectangle (pixels of the camera frame) classified instead of the whole frame, a
/// run-time setting (<c>PUT /api/region</c>, or <c>cmd/config</c> with <c>Region:X</c> …). Width 0: the whole frame.
/// </summary>
public sealed class RegionOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Region";

    /// <summary>Left edge.</summary>
    [Range(0, 65_535)]
    public int X { get; set; }

    /// <summary>Top edge.</summary>
    [Range(0, 65_535)]
    public int Y { get; set; }

    /// <summary>Width; 0 for no region.</summary>
    [Range(0, 65_535)]
    public int Width { get; set; }

    /// <summary>Height; 0 for no region.</summary>
    [Range(0, 65_535)]
    public int Height { get; set; }

    /// <summary>True when a region is set.</summary>
    public bool IsSet => Width > 0 && Height > 0;
}
