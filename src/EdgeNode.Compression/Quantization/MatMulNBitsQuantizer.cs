namespace EdgeNode.Compression.Quantization;

/// <summary>
/// 4-bit weight-only quantization: each constant [K, N] MatMul/Gemm weight becomes ONNX Runtime's
/// <c>com.microsoft.MatMulNBits</c> (attributes K, N, bits=4, block_size; inputs A, B uint8 [N, K/block, block/2]
/// with two codes a byte, low nibble first along K, scales float [N·K/block], zero points uint8 [N·⌈(K/block)/2⌉]
/// two a byte). Each block of <c>block_size</c> consecutive K values of one output column has its own scale and,
/// unless symmetric, its own zero point; w ≈ (code − zero point) · scale, zero point 8 when symmetric. Activations
/// stay float; ORT's kernel dequantizes on the fly (MLAS, x86 and ARM64).
/// </summary>
internal static class MatMulNBitsQuantizer
{
    private const int Bits = 4;

    /// <summary>
    /// Returns the layers quantized, the layers kept in float, and the weight bytes before and after. With
    /// <paramref name="hessians"/> (Σ x xᵀ of each layer input, by tensor name; <see cref="Calibration.InputHessians"/>)
    /// every layer whose input has one is rounded by GPTQ, the others to nearest.
    /// </summary>
    public static (int Layers, IReadOnlyList<string> KeptInFloat, long WeightBytesBefore, long WeightBytesAfter) Apply(
        ModelProto model, int blockSize, bool symmetric, IReadOnlyDictionary<string, double[]>? hessians = null, int threads = 1)
    {
        if (blockSize < 16 || (blockSize & (blockSize - 1)) != 0)
        {
            throw new CompressionException($"The 4-bit block size must be a power of two ≥ 16 (32, 64 or 128); got {blockSize}.");
        }

        var view = new GraphView(model.Graph);
        var (layers, kept) = WeightedMatMul.Find(view);
        long before = 0, after = 0;
        foreach (var layer in layers)
        {
            var hessian = hessians is not null && hessians.TryGetValue(layer.Node.Input[0], out var h) ? h : null;
            var (packed, scales, zeroPoints) = Quantize(layer.Weights, layer.K, layer.N, blockSize, symmetric, hessian, threads);
            var blocks = (layer.K + blockSize - 1) / blockSize;
            var stem = layer.Node.Name.Length > 0 ? layer.Node.Name : layer.Node.Output[0];
            string Name(string suffix) => view.UniqueName($"{stem}_{suffix}");
            var (b, s) = (Name("weight_q4"), Name("weight_scales"));
            view.AddInitializer(Tensors.FromUInt8(b, packed, layer.N, blocks, blockSize / 2));
            view.AddInitializer(Tensors.FromFloats(s, scales, scales.Length));
            var inputs = new List<string> { layer.Node.Input[0], b, s };
            if (zeroPoints is not null)
            {
                var z = Name("weight_zero_points");
                view.AddInitializer(Tensors.FromUInt8(z, zeroPoints, zeroPoints.Length));
                inputs.Add(z);
            }

            var product = layer.ProductName(Name);
            var node = QdqQuantizer.Node("MatMulNBits", Name("MatMulNBits"), [.. inputs], product);
            node.Domain = "com.microsoft";
            node.Attribute.Add(GraphView.IntAttribute("K", layer.K));
            node.Attribute.Add(GraphView.IntAttribute("N", layer.N));
            node.Attribute.Add(GraphView.IntAttribute("bits", Bits));
            node.Attribute.Add(GraphView.IntAttribute("block_size", blockSize));
            layer.Replace(view, [node], product, Name);
            before += 4L * layer.K * layer.N;
            after += packed.Length + (4L * scales.Length) + (zeroPoints?.Length ?? 0);
        }

        if (layers.Count > 0 && !model.OpsetImport.Any(o => o.Domain == "com.microsoft"))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        }

        GraphCleanup.Run(model.Graph);
        return (layers.Count, kept, before, after);
    }

    /// <summary>
    /// Blocked 4-bit codes of a [K, N] weight in MatMulNBits' layout; K is padded with zeros to whole blocks. With
    /// <paramref name="hessian"/> (Σ x xᵀ of the layer's inputs, K×K) the codes are chosen by GPTQ (<see cref="GptqRounding"/>),
    /// else each weight is rounded to the nearest code of its block.
    /// </summary>
    internal static (byte[] Packed, float[] Scales, byte[]? ZeroPoints) Quantize(ReadOnlySpan<float> weights, int k, int n, int blockSize, bool symmetric, double[]? hessian = null, int threads = 1)
    {
        var blocks = (k + blockSize - 1) / blockSize;
        var codes = new byte[blocks * blockSize * n];
        var scales = new float[n * blocks];
        var zeroPoints = new int[n * blocks];
        if (hessian is not null)
        {
            GptqRounding.Round(weights, k, n, blockSize, symmetric, hessian, threads, codes, scales, zeroPoints);
        }
        else
        {
            for (var blk = 0; blk < blocks; blk++)
            {
                ChooseBlock(weights, k, n, blk, blockSize, symmetric, scales, zeroPoints);
                for (var row = blk * blockSize; row < (blk + 1) * blockSize; row++)
                {
                    for (var col = 0; col < n; col++)
                    {
                        var at = (col * blocks) + blk;
                        codes[(row * n) + col] = row < k ? Code(weights[(row * n) + col], scales[at], zeroPoints[at]) : (byte)zeroPoints[at];
                    }
                }
            }
        }

        return Pack(codes, scales, zeroPoints, n, blocks, blockSize, symmetric);
    }

    /// <summary>Sets the scale and zero point of block <paramref name="blk"/> of every column from the rows it spans of <paramref name="weights"/> [K, N] (rows past K count as 0).</summary>
    internal static void ChooseBlock(ReadOnlySpan<float> weights, int k, int n, int blk, int blockSize, bool symmetric, float[] scales, int[] zeroPoints)
    {
        var blocks = scales.Length / n;
        Span<float> block = stackalloc float[blockSize];
        for (var col = 0; col < n; col++)
        {
            block.Clear();
            var start = blk * blockSize;
            for (var i = 0; i < blockSize && start + i < k; i++)
            {
                block[i] = weights[((start + i) * n) + col];
            }

            (scales[(col * blocks) + blk], zeroPoints[(col * blocks) + blk]) = BlockParameters(block, symmetric);
        }
    }

    /// <summary>The 4-bit code of <paramref name="w"/>: w ≈ (code − zero point) · scale.</summary>
    internal static byte Code(float w, float scale, int zeroPoint) => (byte)Math.Clamp(MathF.Round(w / scale) + zeroPoint, 0f, 15f);

    /// <summary>Codes [K padded, N] into B [N, blocks, block/2] (low nibble first along K) and zero points two a byte.</summary>
    private static (byte[] Packed, float[] Scales, byte[]? ZeroPoints) Pack(byte[] codes, float[] scales, int[] zeroPoints, int n, int blocks, int blockSize, bool symmetric)
    {
        var blob = blockSize / 2;
        var packed = new byte[n * blocks * blob];
        for (var row = 0; row < blocks * blockSize; row++)
        {
            var (blk, i) = (row / blockSize, row % blockSize);
            for (var col = 0; col < n; col++)
            {
                packed[(((col * blocks) + blk) * blob) + (i / 2)] |= (byte)(codes[(row * n) + col] << (4 * (i % 2)));
            }
        }

        if (symmetric)
        {
            return (packed, scales, null);
        }

        var perColumn = (blocks + 1) / 2;
        var packedZeroPoints = new byte[n * perColumn];
        for (var col = 0; col < n; col++)
        {
            for (var blk = 0; blk < blocks; blk++)
            {
                packedZeroPoints[(col * perColumn) + (blk / 2)] |= (byte)(zeroPoints[(col * blocks) + blk] << (4 * (blk % 2)));
            }
        }

        return (packed, scales, packedZeroPoints);
    }

    /// <summary>
    /// Scale and zero point of one block: the block's range (widened to include 0, so 0.0 is exact; symmetric
    /// around the implicit zero point 8), shrunk by the factor in 1.00…0.60 (steps of 0.01) that gives the least squared error.
    /// Clipping a few outliers buys finer steps for the rest; on MiniLM block 32 it raised the sentence-embedding
    /// cosine from 0.9731 (plain min/max) to 0.9761 (docs/benchmarks.md).
    /// </summary>
    private static (float Scale, int ZeroPoint) BlockParameters(ReadOnlySpan<float> block, bool symmetric)
    {
        float min = 0, max = 0;
        foreach (var w in block)
        {
            min = Math.Min(min, w);
            max = Math.Max(max, w);
        }

        if (max == min)
        {
            return (1f, 8);
        }

        (float Scale, int ZeroPoint) best = default;
        var bestError = double.MaxValue;
        for (var step = 0; step <= 40; step++)
        {
            var shrink = 1f - (0.01f * step);
            float scale;
            int zeroPoint;
            if (symmetric)
            {
                scale = Math.Max(-min, max) * shrink / 7f;
                zeroPoint = 8;
            }
            else
            {
                scale = (max - min) * shrink / 15f;
                zeroPoint = (int)Math.Clamp(MathF.Round(-min * shrink / scale), 0f, 15f);
            }

            double error = 0;
            foreach (var w in block)
            {
                var code = Math.Clamp(MathF.Round(w / scale) + zeroPoint, 0f, 15f);
                var d = w - ((code - zeroPoint) * scale);
                error += d * d;
            }

            if (error < bestError)
            {
                (bestError, best) = (error, (scale, zeroPoint));
            }
        }

        return best;
    }
}
