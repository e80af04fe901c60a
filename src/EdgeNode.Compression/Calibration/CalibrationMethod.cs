namespace EdgeNode.Compression.Calibration;

/// <summary>How activation ranges are chosen from calibration data.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum.</summary>
    MinMax,

    /// <summary>The 99.999th percentile of absolute values, clipping rare outliers.</summary>
    Percentile,

    /// <summary>The threshold that minimises the KL divergence between the float and the quantized distribution.</summary>
    Entropy,
}
