using System.Numerics.Tensors;

namespace EdgeNode.Learning;

/// <summary>
/// Softmax cross-entropy loss of a batch of standardised rows and its gradient: a forward pass per sample,
/// then the weight gradients of each layer as one batched outer-product accumulation.
/// </summary>
internal sealed class HeadGradient
{
    private readonly HeadModel _head;
    private float[] _outputGradient = [];
    private float[] _batchX = [];
    private float[] _hidden = [];
    private float[] _hiddenGradient = [];
    private int[] _inputRows = [];
    private int[] _hiddenRows = [];

    public HeadGradient(HeadModel head)
    {
        _head = head;
        Gradient = new float[head.ParameterCount];
    }

    /// <summary>Gradient of the last <see cref="Compute"/>.</summary>
    public float[] Gradient { get; }

    /// <summary>
    /// Mean weighted cross-entropy of <paramref name="rows"/> plus λ/2·‖W‖², and its gradient in <see cref="Gradient"/>.
    /// </summary>
    /// <param name="x">All standardised rows, row-major.</param>
    /// <param name="targets">Class index of every row.</param>
    /// <param name="rows">The rows of this batch.</param>
    /// <param name="classWeights">Per-class loss weight, or empty for 1.</param>
    /// <param name="l2">λ.</param>
    public double Compute(ReadOnlySpan<float> x, ReadOnlySpan<int> targets, ReadOnlySpan<int> rows, ReadOnlySpan<float> classWeights, float l2)
    {
        var head = _head;
        var d = head.InputSize;
        var hiddenSize = head.HiddenSize;
        var classes = head.Classes.Count;
        var batch = rows.Length;
        Ensure(batch, classes, hiddenSize);
        var p = head.Parameters.AsSpan();
        var g = Gradient.AsSpan();
        var og = _outputGradient.AsSpan(0, batch * classes);
        var invBatch = 1f / batch;
        double loss = 0;

        // The batch's rows, scattered over the whole set, copied together once: the forward pass and both
        // outer-product passes then stream one contiguous block that stays in cache.
        var bx = _batchX.AsSpan(0, batch * d);
        for (var s = 0; s < batch; s++)
        {
            x.Slice(rows[s] * d, d).CopyTo(bx.Slice(s * d, d));
        }

        var pairs = 0;
        if (hiddenSize == 0)
        {
            // Linear head: logits of two samples per pass over the weights.
            var weights = p.Slice(head.OutputWeightsOffset, classes * d);
            var bias = p.Slice(head.OutputBiasOffset, classes);
            for (; pairs + 2 <= batch; pairs += 2)
            {
                DenseKernels.ForwardPair(weights, bias, bx.Slice(pairs * d, d), bx.Slice((pairs + 1) * d, d), og.Slice(pairs * classes, classes), og.Slice((pairs + 1) * classes, classes));
            }
        }

        for (var s = 0; s < batch; s++)
        {
            var row = rows[s];
            var logits = og.Slice(s * classes, classes);
            if (s >= pairs)
            {
                head.Forward(bx.Slice(s * d, d), _hidden.AsSpan(s * hiddenSize, hiddenSize), logits);
            }

            // Shifted by the largest logit: a discriminant head's logits can exceed exp's float range.
            TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits), logits);
            TensorPrimitives.SoftMax(logits, logits);
            var target = targets[row];
            var weight = classWeights.IsEmpty ? 1f : classWeights[target];
            loss -= weight * Math.Log(Math.Max(logits[target], 1e-30f));

            // dL/dlogit = w · (p − onehot) / B
            logits[target] -= 1f;
            TensorPrimitives.Multiply(logits, weight * invBatch, logits);
        }

        g.Clear();
        var outW = head.OutputWeightsOffset;
        var outB = head.OutputBiasOffset;
        var f = head.FeatureSizeOfOutput;
        if (hiddenSize > 0)
        {
            DenseKernels.AccumulateOuter(g.Slice(outW, classes * f), og, classes, _hidden, _hiddenRows.AsSpan(0, batch), f);
        }
        else
        {
            DenseKernels.AccumulateOuter(g.Slice(outW, classes * f), og, classes, bx, _inputRows.AsSpan(0, batch), d);
        }

        var outputBias = g.Slice(outB, classes);
        for (var s = 0; s < batch; s++)
        {
            TensorPrimitives.Add(outputBias, og.Slice(s * classes, classes), outputBias);
        }

        if (hiddenSize > 0)
        {
            BackwardHidden(bx, p, g, og, batch);
        }

        loss *= invBatch;
        if (l2 > 0)
        {
            loss += AddL2(p, g, 0, hiddenSize * d, l2) + AddL2(p, g, outW, classes * f, l2);
        }

        return loss;
    }

    private void BackwardHidden(ReadOnlySpan<float> x, ReadOnlySpan<float> p, Span<float> g, ReadOnlySpan<float> og, int batch)
    {
        var d = _head.InputSize;
        var hiddenSize = _head.HiddenSize;
        var classes = _head.Classes.Count;
        var outW = _head.OutputWeightsOffset;
        var hiddenBias = g.Slice(hiddenSize * d, hiddenSize);
        for (var s = 0; s < batch; s++)
        {
            var dh = _hiddenGradient.AsSpan(s * hiddenSize, hiddenSize);
            var hidden = _hidden.AsSpan(s * hiddenSize, hiddenSize);
            dh.Clear();
            for (var k = 0; k < classes; k++)
            {
                TensorPrimitives.MultiplyAdd(p.Slice(outW + (k * hiddenSize), hiddenSize), og[(s * classes) + k], dh, dh);
            }

            // ReLU: no gradient through inactive units.
            for (var h = 0; h < hiddenSize; h++)
            {
                if (hidden[h] <= 0f)
                {
                    dh[h] = 0f;
                }
            }

            TensorPrimitives.Add(hiddenBias, dh, hiddenBias);
        }

        DenseKernels.AccumulateOuter(g[..(hiddenSize * d)], _hiddenGradient, hiddenSize, x, _inputRows.AsSpan(0, batch), d);
    }

    private void Ensure(int batch, int classes, int hiddenSize)
    {
        var d = _head.InputSize;
        if (_inputRows.Length >= batch && _outputGradient.Length >= batch * classes && _batchX.Length >= batch * d)
        {
            return;
        }

        _outputGradient = new float[batch * classes];
        _batchX = new float[batch * d];
        _hidden = new float[batch * hiddenSize];
        _hiddenGradient = new float[batch * hiddenSize];
        _inputRows = new int[batch];
        _hiddenRows = new int[batch];
        for (var s = 0; s < batch; s++)
        {
            _hiddenRows[s] = s * hiddenSize;
            _inputRows[s] = s * d; // rows of the contiguous batch copy
        }
    }

    private static double AddL2(ReadOnlySpan<float> p, Span<float> g, int offset, int count, float l2)
    {
        if (count == 0)
        {
            return 0;
        }

        var w = p.Slice(offset, count);
        var gw = g.Slice(offset, count);
        TensorPrimitives.MultiplyAdd(w, l2, gw, gw);
        return 0.5 * l2 * TensorPrimitives.Dot(w, w);
    }
}
