namespace EdgeNode.Compression.Quantization;

/// <summary>How 4-bit weight codes are chosen (<c>--int4-method</c>).</summary>
public enum Int4Method
{
    /// <summary>Round to nearest within each block, with a least-squares range shrink; needs no data.</summary>
    Rtn,

    /// <summary>GPTQ: rounding errors compensated along K by the inverse Hessian of the layer's calibration inputs.</summary>
    Gptq,
}
