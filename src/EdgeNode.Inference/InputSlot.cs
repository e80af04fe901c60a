using Microsoft.ML.OnnxRuntime;

namespace EdgeNode.Inference;

/// <summary>One pinned input tensor of a session: the pre-processing writes into <see cref="Input"/>, the run reads <see cref="Value"/> over the same memory.</summary>
internal sealed class InputSlot
{
    public InputSlot(int elements, long[] shape)
    {
        Input = new float[elements];
        Value = OrtValue.CreateTensorValueFromMemory(Input, shape);
        Values = [Value];
    }

    /// <summary>The tensor's floats (pinned by <see cref="Value"/> for its lifetime).</summary>
    public float[] Input { get; }

    /// <summary>The ORT value over <see cref="Input"/>.</summary>
    public OrtValue Value { get; }

    /// <summary><see cref="Value"/> as the one-element array <c>Run</c> takes, allocated once.</summary>
    public OrtValue[] Values { get; }

    /// <summary>Held while the slot is filled and run.</summary>
    public Lock Gate { get; } = new();
}
