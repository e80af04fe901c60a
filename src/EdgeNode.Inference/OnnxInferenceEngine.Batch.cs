using EdgeNode.Core;
using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference;

/// <summary>
/// The batched run: for a model with a dynamic batch dimension, several frames pre-processed into one pinned
/// [n, …] tensor per batch size (made at its first use) and run at once. Two such tensors per size, used in turn, as
/// the single-frame path has two slots: the next batch is pre-processed while the last one runs.
/// </summary>
public sealed partial class OnnxInferenceEngine
{
    /// <inheritdoc />
    public ModelInfo EmbedBatch(IReadOnlyList<Frame> frames, Span<float> embeddings)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var count = frames.Count;
        if (count <= 1 || count > Model.MaxBatch)
        {
            return IInferenceEngine.EmbedEach(this, frames, embeddings);
        }

        var size = _output.Length;
        if (embeddings.Length < count * size)
        {
            throw new ArgumentException($"{count} embeddings need {count * size} floats, got {embeddings.Length}.", nameof(embeddings));
        }

        var batch = Batch(count, Interlocked.Increment(ref _nextBatch) & 1);
        lock (batch.Input.Gate)
        {
            var one = _preprocessor.TensorLength;
            for (var i = 0; i < count; i++)
            {
                _preprocessor.Process(frames[i], batch.Input.Input.AsSpan(i * one, one));
            }

            lock (_gate)
            {
                _session.Run(_runOptions, _inputNames, batch.Input.Values, _outputNames, batch.Outputs);
                batch.Output.AsSpan(0, count * size).CopyTo(embeddings);
            }
        }

        return Model;
    }

    /// <summary>The pinned input and output of a batch of <paramref name="count"/>, made at its first use.</summary>
    private BatchBuffers Batch(int count, int turn)
    {
        lock (_gate)
        {
            return _batches[(2 * count) + turn] ??= new BatchBuffers(
                new InputSlot(count * _preprocessor.TensorLength, [count, .. _inputShape[1..]]),
                count * _output.Length,
                [count, .. _outputShape[1..]]);
        }
    }

    /// <summary>A batch size's pinned tensors: the frames are pre-processed into <see cref="Input"/>, the run writes <see cref="Output"/>.</summary>
    private sealed class BatchBuffers : IDisposable
    {
        private readonly OrtValue _outputValue;

        public BatchBuffers(InputSlot input, int outputLength, long[] outputShape)
        {
            Input = input;
            Output = new float[outputLength];
            _outputValue = OrtValue.CreateTensorValueFromMemory(Output, outputShape);
            Outputs = [_outputValue];
        }

        public InputSlot Input { get; }

        public float[] Output { get; }

        public OrtValue[] Outputs { get; }

        public void Dispose()
        {
            Input.Value.Dispose();
            _outputValue.Dispose();
        }
    }
}
