using System.Collections.Concurrent;
using System.Numerics.Tensors;
using EdgeNode.Compression.Numerics;

namespace EdgeNode.Compression.Quantization;

/// <summary>
/// GPTQ (Frantar et al., "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers", 2023)
/// for blocked 4-bit weights: the K input rows of a [K, N] weight are quantized one at a time, and each row's rounding
/// error is spread over the rows not yet quantized, weighted by the inverse Hessian of the layer's inputs
/// (H = Σ x xᵀ over calibration tokens), so that the layer's output on real inputs, not its weights, stays close.
/// A block's scale and zero point are chosen when its first row comes up, from the weights as updated so far.
/// </summary>
internal static class GptqRounding
{
    /// <summary>Added to H's diagonal, as a fraction of its mean (GPTQ's <c>percdamp</c>): keeps H invertible when inputs are correlated.</summary>
    public const double Damping = 0.01;

    /// <summary>Fills <paramref name="codes"/> [K padded to blocks, N], <paramref name="scales"/> and <paramref name="zeroPoints"/> [N, blocks].</summary>
    public static void Round(ReadOnlySpan<float> weights, int k, int n, int blockSize, bool symmetric, double[] hessian, int threads, byte[] codes, float[] scales, int[] zeroPoints)
    {
        if (hessian.Length != k * k)
        {
            throw new CompressionException($"GPTQ needs a {k}×{k} input Hessian; got {hessian.Length} values.");
        }

        var w = weights.ToArray();
        var u = InverseHessianFactor(hessian, w, k, n, threads);
        var blocks = scales.Length / n;
        var error = new float[n];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
        for (var blk = 0; blk < blocks; blk++)
        {
            MatMulNBitsQuantizer.ChooseBlock(w, k, n, blk, blockSize, symmetric, scales, zeroPoints);
            for (var row = blk * blockSize; row < (blk + 1) * blockSize; row++)
            {
                if (row >= k)
                {
                    for (var col = 0; col < n; col++)
                    {
                        codes[(row * n) + col] = (byte)zeroPoints[(col * blocks) + blk];
                    }

                    continue;
                }

                var current = w.AsSpan(row * n, n);
                var diagonal = u[(row * k) + row];
                for (var col = 0; col < n; col++)
                {
                    var (scale, zeroPoint) = (scales[(col * blocks) + blk], zeroPoints[(col * blocks) + blk]);
                    var code = MatMulNBitsQuantizer.Code(current[col], scale, zeroPoint);
                    codes[(row * n) + col] = code;
                    error[col] = (float)((current[col] - ((code - zeroPoint) * scale)) / diagonal);
                }

                Propagate(w, u, error, row, k, n, options);
            }
        }
    }

    /// <summary>w[j] −= U[row, j] · error for every later row j: the compensation that keeps the layer output unchanged to first order.</summary>
    private static void Propagate(float[] w, double[] u, float[] error, int row, int k, int n, ParallelOptions options)
    {
        if (row + 1 >= k)
        {
            return;
        }

        Parallel.ForEach(Partitioner.Create(row + 1, k, 64), options, range =>
        {
            for (var j = range.Item1; j < range.Item2; j++)
            {
                var target = w.AsSpan(j * n, n);
                TensorPrimitives.MultiplyAdd(error, (float)-u[(row * k) + j], target, target);
            }
        });
    }

    /// <summary>
    /// The upper factor U of H⁻¹ = Uᵀ·U after damping (row-major). An input that is always zero (H's diagonal 0) has its
    /// weights zeroed and a unit diagonal, as GPTQ does: nothing ever flows through it.
    /// </summary>
    private static double[] InverseHessianFactor(double[] hessian, float[] w, int k, int n, int threads)
    {
        var h = (double[])hessian.Clone();
        double trace = 0;
        for (var i = 0; i < k; i++)
        {
            trace += h[(i * k) + i];
        }

        for (var i = 0; i < k; i++)
        {
            if (!(h[(i * k) + i] > 0))
            {
                h[(i * k) + i] = 1;
                w.AsSpan(i * n, n).Clear();
            }
        }

        var damp = Damping * (trace > 0 ? trace / k : 1);
        if (!Cholesky.TryFactor(h, k, damp, k, out var l) || !Cholesky.TryFactor(Cholesky.Inverse(l, k, threads), k, 0, 0, out var lower))
        {
            throw new CompressionException("GPTQ: the calibration inputs' Hessian is not positive definite even after damping; use --int4-method rtn.");
        }

        var upper = new double[k * k];
        for (var i = 0; i < k; i++)
        {
            for (var j = i; j < k; j++)
            {
                upper[(i * k) + j] = lower[(j * k) + i];
            }
        }

        return upper;
    }
}
