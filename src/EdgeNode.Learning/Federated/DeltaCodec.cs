namespace EdgeNode.Learning.Federated;

/// <summary>How a model delta is encoded on the wire.</summary>
public enum DeltaCodec : byte
{
    /// <summary>32-bit floats, lossless.</summary>
    Dense = 0,

    /// <summary>One signed byte per value with one float scale per tensor (max |v| / 127).</summary>
    QuantizedInt = 1,

    /// <summary>The k largest |values| as (uint32 index, float value) pairs; the rest is carried to the next round by error feedback.</summary>
    TopK = 2,

    /// <summary>Not a delta: discriminant statistics (counts, sums, second moment; <see cref="StatisticsCodec"/>), parameter count = embedding length.</summary>
    Statistics = 16,
}
