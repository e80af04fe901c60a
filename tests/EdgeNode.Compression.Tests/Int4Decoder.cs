namespace EdgeNode.Compression.Tests;

/// <summary>Decodes MatMulNBits' documented layout back to a float [K, N] weight, independently of the quantizer.</summary>
internal static class Int4Decoder
{
    /// <summary>w[k, n] = (code − zero point) · scale, from B [N, blocks, block/2], scales [N·blocks], zero points [N·⌈blocks/2⌉] (8 when null).</summary>
    public static float[] Decode(byte[] packed, float[] scales, byte[]? zeroPoints, int k, int n, int block)
    {
        var blocks = (k + block - 1) / block;
        var weights = new float[k * n];
        for (var col = 0; col < n; col++)
        {
            for (var row = 0; row < k; row++)
            {
                var (b, i) = (row / block, row % block);
                var code = (packed[(((col * blocks) + b) * block / 2) + (i / 2)] >> (4 * (i % 2))) & 0xF;
                var zero = zeroPoints is null ? 8 : (zeroPoints[(col * ((blocks + 1) / 2)) + (b / 2)] >> (4 * (b % 2))) & 0xF;
                weights[(row * n) + col] = (code - zero) * scales[(col * blocks) + b];
            }
        }

        return weights;
    }
}
