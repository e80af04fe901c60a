using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeNode.Learning;

/// <summary>The weight-gradient product of <see cref="DenseKernels"/> (its register blocking is described there).</summary>
internal static partial class DenseKernels
{
    /// <summary>
    /// <c>gradient[r,:] += Σ_b g[b,r] · input(b)</c> over a batch: the weight gradient of a dense layer.
    /// <paramref name="g"/> is row-major batch × rows; <paramref name="inputRow"/> maps a batch position to the
    /// offset of its input row in <paramref name="inputs"/> (rows of length <c>f</c>).
    /// </summary>
    public static void AccumulateOuter(Span<float> gradient, ReadOnlySpan<float> g, int rows, ReadOnlySpan<float> inputs, ReadOnlySpan<int> inputRow, int f)
    {
        var batch = inputRow.Length;
        if (gradient.Length < rows * f || g.Length < batch * rows)
        {
            throw new ArgumentException("The gradient buffers are shorter than the layer.", nameof(gradient));
        }

        foreach (var offset in inputRow)
        {
            if (offset < 0 || offset + f > inputs.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(inputRow), offset, "An input row lies outside the inputs.");
            }
        }

        ref var g0 = ref MemoryMarshal.GetReference(gradient);
        ref var in0 = ref MemoryMarshal.GetReference(inputs);
        ref var d0 = ref MemoryMarshal.GetReference(g);
        var width = Vector<float>.Count;
        var vectorEnd = f - (f % width);
        var r = 0;
        for (; r + 5 <= rows && rows % 4 != 0; r += 5)
        {
            ref var a = ref Unsafe.Add(ref g0, r * f);
            ref var b = ref Unsafe.Add(ref a, f);
            ref var c = ref Unsafe.Add(ref b, f);
            ref var d = ref Unsafe.Add(ref c, f);
            ref var e = ref Unsafe.Add(ref d, f);
            var i = 0;

            // Two vectors of columns per pass: each broadcast g[s,r] feeds two multiply-adds (10 accumulators).
            for (; i + (2 * width) <= vectorEnd; i += 2 * width)
            {
                Vector<float> sa = default, sb = default, sc = default, sd = default, se = default;
                Vector<float> ta = default, tb = default, tc = default, td = default, te = default;
                for (var s = 0; s < batch; s++)
                {
                    ref var xs = ref Unsafe.Add(ref in0, inputRow[s]);
                    var xv = Load(ref xs, i);
                    var xw = Load(ref xs, i + width);
                    ref var gs = ref Unsafe.Add(ref d0, (s * rows) + r);
                    var ga = new Vector<float>(gs);
                    sa = Vector.FusedMultiplyAdd(ga, xv, sa);
                    ta = Vector.FusedMultiplyAdd(ga, xw, ta);
                    var gb = new Vector<float>(Unsafe.Add(ref gs, 1));
                    sb = Vector.FusedMultiplyAdd(gb, xv, sb);
                    tb = Vector.FusedMultiplyAdd(gb, xw, tb);
                    var gc = new Vector<float>(Unsafe.Add(ref gs, 2));
                    sc = Vector.FusedMultiplyAdd(gc, xv, sc);
                    tc = Vector.FusedMultiplyAdd(gc, xw, tc);
                    var gd = new Vector<float>(Unsafe.Add(ref gs, 3));
                    sd = Vector.FusedMultiplyAdd(gd, xv, sd);
                    td = Vector.FusedMultiplyAdd(gd, xw, td);
                    var ge = new Vector<float>(Unsafe.Add(ref gs, 4));
                    se = Vector.FusedMultiplyAdd(ge, xv, se);
                    te = Vector.FusedMultiplyAdd(ge, xw, te);
                }

                Store(Load(ref a, i) + sa, ref a, i);
                Store(Load(ref b, i) + sb, ref b, i);
                Store(Load(ref c, i) + sc, ref c, i);
                Store(Load(ref d, i) + sd, ref d, i);
                Store(Load(ref e, i) + se, ref e, i);
                Store(Load(ref a, i + width) + ta, ref a, i + width);
                Store(Load(ref b, i + width) + tb, ref b, i + width);
                Store(Load(ref c, i + width) + tc, ref c, i + width);
                Store(Load(ref d, i + width) + td, ref d, i + width);
                Store(Load(ref e, i + width) + te, ref e, i + width);
            }

            for (; i < vectorEnd; i += width)
            {
                Vector<float> sa = default, sb = default, sc = default, sd = default, se = default;
                for (var s = 0; s < batch; s++)
                {
                    var xv = Load(ref Unsafe.Add(ref in0, inputRow[s]), i);
                    ref var gs = ref Unsafe.Add(ref d0, (s * rows) + r);
                    sa = Vector.FusedMultiplyAdd(new Vector<float>(gs), xv, sa);
                    sb = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gs, 1)), xv, sb);
                    sc = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gs, 2)), xv, sc);
                    sd = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gs, 3)), xv, sd);
                    se = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gs, 4)), xv, se);
                }

                Store(Load(ref a, i) + sa, ref a, i);
                Store(Load(ref b, i) + sb, ref b, i);
                Store(Load(ref c, i) + sc, ref c, i);
                Store(Load(ref d, i) + sd, ref d, i);
                Store(Load(ref e, i) + se, ref e, i);
            }
        }

        for (; r + 4 <= rows; r += 4)
        {
            ref var a = ref Unsafe.Add(ref g0, r * f);
            ref var b = ref Unsafe.Add(ref a, f);
            ref var c = ref Unsafe.Add(ref b, f);
            ref var d = ref Unsafe.Add(ref c, f);
            for (var i = 0; i < vectorEnd; i += width)
            {
                Vector<float> sa = default, sb = default, sc = default, sd = default;
                for (var s = 0; s < batch; s++)
                {
                    var xv = Load(ref Unsafe.Add(ref in0, inputRow[s]), i);
                    ref var gs = ref Unsafe.Add(ref d0, (s * rows) + r);
                    sa = Vector.FusedMultiplyAdd(new Vector<float>(gs), xv, sa);
                    sb = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gs, 1)), xv, sb);
                    sc = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gs, 2)), xv, sc);
                    sd = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref gs, 3)), xv, sd);
                }

                Store(Load(ref a, i) + sa, ref a, i);
                Store(Load(ref b, i) + sb, ref b, i);
                Store(Load(ref c, i) + sc, ref c, i);
                Store(Load(ref d, i) + sd, ref d, i);
            }
        }

        // Leftover rows one at a time, still accumulating over the batch in a register.
        for (var rr = r; rr < rows; rr++)
        {
            ref var a = ref Unsafe.Add(ref g0, rr * f);
            for (var i = 0; i < vectorEnd; i += width)
            {
                Vector<float> sa = default;
                for (var s = 0; s < batch; s++)
                {
                    sa = Vector.FusedMultiplyAdd(new Vector<float>(Unsafe.Add(ref d0, (s * rows) + rr)), Load(ref Unsafe.Add(ref in0, inputRow[s]), i), sa);
                }

                Store(Load(ref a, i) + sa, ref a, i);
            }
        }

        // The columns past the last full vector of every row.
        for (var s = 0; s < batch; s++)
        {
            var x = inputs.Slice(inputRow[s], f);
            for (var rr = 0; rr < rows; rr++)
            {
                var gsr = g[(s * rows) + rr];
                for (var i = vectorEnd; i < f; i++)
                {
                    gradient[(rr * f) + i] += gsr * x[i];
                }
            }
        }
    }
}
