using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeNode.Learning;

/// <summary>
/// The two dense-layer products the trainer spends its time in, register-blocked five or four output rows at a
/// time so each input vector is loaded once per five or four multiply-adds (one <c>TensorPrimitives.Dot</c> call per row
/// reloads it every time, which halves throughput at 512-d). <see cref="Vector{T}"/> keeps them portable
/// to NEON on arm64.
/// </summary>
internal static partial class DenseKernels
{
    /// <summary><c>output[r] = W[r,:] · x + bias[r]</c> for every row of the row-major <paramref name="weights"/>.</summary>
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> output)
    {
        var f = x.Length;
        var rows = output.Length;
        if (weights.Length < rows * f || bias.Length < rows)
        {
            throw new ArgumentException("The weights or biases are shorter than the layer.", nameof(weights));
        }

        ref var w0 = ref MemoryMarshal.GetReference(weights);
        ref var x0 = ref MemoryMarshal.GetReference(x);
        var width = Vector<float>.Count;
        var vectorEnd = f - (f % width);
        var r = 0;

        // Five rows at a time (ten classes are two blocks), then four: x is streamed once per block.
        for (; r + 5 <= rows && rows % 4 != 0; r += 5)
        {
            ref var a = ref Unsafe.Add(ref w0, r * f);
            ref var b = ref Unsafe.Add(ref a, f);
            ref var c = ref Unsafe.Add(ref b, f);
            ref var d = ref Unsafe.Add(ref c, f);
            ref var e = ref Unsafe.Add(ref d, f);
            Vector<float> sa = default, sb = default, sc = default, sd = default, se = default;
            for (var i = 0; i < vectorEnd; i += width)
            {
                var xv = Load(ref x0, i);
                sa = Vector.FusedMultiplyAdd(Load(ref a, i), xv, sa);
                sb = Vector.FusedMultiplyAdd(Load(ref b, i), xv, sb);
                sc = Vector.FusedMultiplyAdd(Load(ref c, i), xv, sc);
                sd = Vector.FusedMultiplyAdd(Load(ref d, i), xv, sd);
                se = Vector.FusedMultiplyAdd(Load(ref e, i), xv, se);
            }

            float ta = Vector.Sum(sa), tb = Vector.Sum(sb), tc = Vector.Sum(sc), td = Vector.Sum(sd), te = Vector.Sum(se);
            for (var i = vectorEnd; i < f; i++)
            {
                var xi = Unsafe.Add(ref x0, i);
                ta += Unsafe.Add(ref a, i) * xi;
                tb += Unsafe.Add(ref b, i) * xi;
                tc += Unsafe.Add(ref c, i) * xi;
                td += Unsafe.Add(ref d, i) * xi;
                te += Unsafe.Add(ref e, i) * xi;
            }

            output[r] = ta + bias[r];
            output[r + 1] = tb + bias[r + 1];
            output[r + 2] = tc + bias[r + 2];
            output[r + 3] = td + bias[r + 3];
            output[r + 4] = te + bias[r + 4];
        }

        for (; r + 4 <= rows; r += 4)
        {
            ref var a = ref Unsafe.Add(ref w0, r * f);
            ref var b = ref Unsafe.Add(ref a, f);
            ref var c = ref Unsafe.Add(ref b, f);
            ref var d = ref Unsafe.Add(ref c, f);
            Vector<float> sa = default, sb = default, sc = default, sd = default;
            for (var i = 0; i < vectorEnd; i += width)
            {
                var xv = Load(ref x0, i);
                sa = Vector.FusedMultiplyAdd(Load(ref a, i), xv, sa);
                sb = Vector.FusedMultiplyAdd(Load(ref b, i), xv, sb);
                sc = Vector.FusedMultiplyAdd(Load(ref c, i), xv, sc);
                sd = Vector.FusedMultiplyAdd(Load(ref d, i), xv, sd);
            }

            float ta = Vector.Sum(sa), tb = Vector.Sum(sb), tc = Vector.Sum(sc), td = Vector.Sum(sd);
            for (var i = vectorEnd; i < f; i++)
            {
                var xi = Unsafe.Add(ref x0, i);
                ta += Unsafe.Add(ref a, i) * xi;
                tb += Unsafe.Add(ref b, i) * xi;
                tc += Unsafe.Add(ref c, i) * xi;
                td += Unsafe.Add(ref d, i) * xi;
            }

            output[r] = ta + bias[r];
            output[r + 1] = tb + bias[r + 1];
            output[r + 2] = tc + bias[r + 2];
            output[r + 3] = td + bias[r + 3];
        }

        for (; r < rows; r++)
        {
            output[r] = System.Numerics.Tensors.TensorPrimitives.Dot(weights.Slice(r * f, f), x) + bias[r];
        }
    }

    /// <summary>
    /// <see cref="Forward"/> for two inputs at once when the rows come in blocks of five (ten classes): each weight
    /// vector loaded feeds two multiply-adds. Other row counts run <see cref="Forward"/> twice.
    /// </summary>
    public static void ForwardPair(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, Span<float> output1, Span<float> output2)
    {
        var f = x1.Length;
        var rows = output1.Length;
        var width = Vector<float>.Count;
        if (rows % 5 != 0 || rows % 4 == 0 || x2.Length != f || output2.Length != rows || f % width != 0)
        {
            Forward(weights, bias, x1, output1);
            Forward(weights, bias, x2, output2);
            return;
        }

        if (weights.Length < rows * f || bias.Length < rows)
        {
            throw new ArgumentException("The weights or biases are shorter than the layer.", nameof(weights));
        }

        ref var w0 = ref MemoryMarshal.GetReference(weights);
        ref var p0 = ref MemoryMarshal.GetReference(x1);
        ref var q0 = ref MemoryMarshal.GetReference(x2);
        for (var r = 0; r < rows; r += 5)
        {
            ref var a = ref Unsafe.Add(ref w0, r * f);
            ref var b = ref Unsafe.Add(ref a, f);
            ref var c = ref Unsafe.Add(ref b, f);
            ref var d = ref Unsafe.Add(ref c, f);
            ref var e = ref Unsafe.Add(ref d, f);
            Vector<float> pa = default, pb = default, pc = default, pd = default, pe = default;
            Vector<float> qa = default, qb = default, qc = default, qd = default, qe = default;
            for (var i = 0; i < f; i += width)
            {
                var pv = Load(ref p0, i);
                var qv = Load(ref q0, i);
                var w = Load(ref a, i);
                pa = Vector.FusedMultiplyAdd(w, pv, pa);
                qa = Vector.FusedMultiplyAdd(w, qv, qa);
                w = Load(ref b, i);
                pb = Vector.FusedMultiplyAdd(w, pv, pb);
                qb = Vector.FusedMultiplyAdd(w, qv, qb);
                w = Load(ref c, i);
                pc = Vector.FusedMultiplyAdd(w, pv, pc);
                qc = Vector.FusedMultiplyAdd(w, qv, qc);
                w = Load(ref d, i);
                pd = Vector.FusedMultiplyAdd(w, pv, pd);
                qd = Vector.FusedMultiplyAdd(w, qv, qd);
                w = Load(ref e, i);
                pe = Vector.FusedMultiplyAdd(w, pv, pe);
                qe = Vector.FusedMultiplyAdd(w, qv, qe);
            }

            output1[r] = Vector.Sum(pa) + bias[r];
            output1[r + 1] = Vector.Sum(pb) + bias[r + 1];
            output1[r + 2] = Vector.Sum(pc) + bias[r + 2];
            output1[r + 3] = Vector.Sum(pd) + bias[r + 3];
            output1[r + 4] = Vector.Sum(pe) + bias[r + 4];
            output2[r] = Vector.Sum(qa) + bias[r];
            output2[r + 1] = Vector.Sum(qb) + bias[r + 1];
            output2[r + 2] = Vector.Sum(qc) + bias[r + 2];
            output2[r + 3] = Vector.Sum(qd) + bias[r + 3];
            output2[r + 4] = Vector.Sum(qe) + bias[r + 4];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Load(ref float start, int offset) =>
        Vector.LoadUnsafe(ref start, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<float> value, ref float start, int offset) =>
        value.StoreUnsafe(ref start, (nuint)offset);
}
