using System.Buffers;
using System.Buffers.Binary;
using System.Numerics.Tensors;
using EdgeNode.Common;

namespace EdgeNode.Learning.Federated;

/// <summary>
/// Encodes model deltas as float32, int8 with one scale per tensor, or top-k (index, value) pairs. With a
/// residual buffer the encoder does error feedback: what one round's encoding lost is added to the next delta,
/// so compression error does not accumulate as bias.
/// </summary>
public static class DeltaEncoder
{
    /// <summary>
    /// Encodes <paramref name="delta"/>. When <paramref name="residual"/> is not empty it must have the delta's length:
    /// the encoded vector is delta + residual, and residual receives what the encoding lost.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths disagree, or the delta is not finite.</exception>
    public static byte[] Encode(ReadOnlySpan<float> delta, ReadOnlySpan<int> tensors, CodecSettings settings, Span<float> residual)
    {
        TensorLayout.Check(tensors, delta.Length);
        if (!EmbeddingGuard.IsFinite(delta))
        {
            throw new ArgumentException("The delta contains NaN or infinite values.", nameof(delta));
        }

        var feedback = !residual.IsEmpty;
        if (feedback && residual.Length != delta.Length)
        {
            throw new ArgumentException("The residual must have the delta's length.", nameof(residual));
        }

        var rented = ArrayPool<float>.Shared.Rent(delta.Length);
        try
        {
            var value = rented.AsSpan(0, delta.Length);
            if (feedback)
            {
                TensorPrimitives.Add(delta, residual, value);
            }
            else
            {
                delta.CopyTo(value);
            }

            var payload = settings.Codec switch
            {
                DeltaCodec.Dense => EncodeFloat(value),
                DeltaCodec.QuantizedInt => EncodeInt8(value, tensors),
                DeltaCodec.TopK => EncodeTopK(value, settings.TopKFraction),
                _ => throw new ArgumentException($"Unknown codec {settings.Codec}.", nameof(settings)),
            };
            if (feedback)
            {
                // residual = value − decoded(value)
                Decode(payload, settings.Codec, tensors, residual);
                TensorPrimitives.Subtract(value, residual, residual);
            }

            return payload;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Decodes <paramref name="payload"/> into <paramref name="destination"/> (the full parameter length).</summary>
    /// <exception cref="InvalidDataException">The payload does not fit the codec and length.</exception>
    public static void Decode(ReadOnlySpan<byte> payload, DeltaCodec codec, ReadOnlySpan<int> tensors, Span<float> destination)
    {
        TensorLayout.Check(tensors, destination.Length);
        switch (codec)
        {
            case DeltaCodec.Dense:
                DecodeFloat(payload, destination);
                break;
            case DeltaCodec.QuantizedInt:
                DecodeInt8(payload, tensors, destination);
                break;
            case DeltaCodec.TopK:
                DecodeTopK(payload, destination);
                break;
            default:
                throw new InvalidDataException($"Unknown codec {(byte)codec}.");
        }
    }

    private static byte[] EncodeFloat(ReadOnlySpan<float> value)
    {
        var payload = new byte[value.Length * 4];
        for (var i = 0; i < value.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(i * 4), value[i]);
        }

        return payload;
    }

    private static void DecodeFloat(ReadOnlySpan<byte> payload, Span<float> destination)
    {
        if (payload.Length != destination.Length * 4)
        {
            throw new InvalidDataException($"A float32 delta of {destination.Length} values has {destination.Length * 4} bytes, not {payload.Length}.");
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(i * 4)..]);
        }
    }

    private static byte[] EncodeInt8(ReadOnlySpan<float> value, ReadOnlySpan<int> tensors)
    {
        var payload = new byte[(tensors.Length * 4) + value.Length];
        var offset = 0;
        var at = 0;
        foreach (var length in tensors)
        {
            var tensor = value.Slice(offset, length);
            var max = MathF.Abs(TensorPrimitives.MaxMagnitude(tensor));
            var scale = max > 0 ? max / 127f : 0f;
            BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(at), scale);
            at += 4;
            var inverse = scale > 0 ? 1f / scale : 0f;
            for (var i = 0; i < length; i++)
            {
                payload[at + i] = (byte)(sbyte)Math.Clamp(MathF.Round(tensor[i] * inverse), -127f, 127f);
            }

            at += length;
            offset += length;
        }

        return payload;
    }

    private static void DecodeInt8(ReadOnlySpan<byte> payload, ReadOnlySpan<int> tensors, Span<float> destination)
    {
        if (payload.Length != (tensors.Length * 4) + destination.Length)
        {
            throw new InvalidDataException($"An int8 delta of {destination.Length} values in {tensors.Length} tensors has {(tensors.Length * 4) + destination.Length} bytes, not {payload.Length}.");
        }

        var offset = 0;
        var at = 0;
        foreach (var length in tensors)
        {
            var scale = BinaryPrimitives.ReadSingleLittleEndian(payload[at..]);
            if (!float.IsFinite(scale) || scale < 0)
            {
                throw new InvalidDataException("An int8 tensor scale is negative or not finite.");
            }

            at += 4;
            for (var i = 0; i < length; i++)
            {
                destination[offset + i] = (sbyte)payload[at + i] * scale;
            }

            at += length;
            offset += length;
        }
    }

    private static byte[] EncodeTopK(ReadOnlySpan<float> value, float fraction)
    {
        if (!(fraction is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The top-k fraction must be in (0, 1].");
        }

        var n = value.Length;
        var k = Math.Clamp((int)MathF.Ceiling(fraction * n), 1, n);
        var magnitudes = ArrayPool<float>.Shared.Rent(n);
        try
        {
            var abs = magnitudes.AsSpan(0, n);
            TensorPrimitives.Abs(value, abs);
            abs.Sort();
            var threshold = abs[n - k];
            var payload = new byte[4 + (k * 8)];
            BinaryPrimitives.WriteInt32LittleEndian(payload, k);
            var written = 0;

            // Strictly larger first, then ties at the threshold, so exactly k entries go out, in index order within each pass.
            for (var pass = 0; pass < 2 && written < k; pass++)
            {
                for (var i = 0; i < n && written < k; i++)
                {
                    var m = MathF.Abs(value[i]);
                    if (pass == 0 ? m > threshold : m == threshold)
                    {
                        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4 + (written * 8)), i);
                        BinaryPrimitives.WriteSingleLittleEndian(payload.AsSpan(8 + (written * 8)), value[i]);
                        written++;
                    }
                }
            }

            return payload;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(magnitudes);
        }
    }

    private static void DecodeTopK(ReadOnlySpan<byte> payload, Span<float> destination)
    {
        if (payload.Length < 4)
        {
            throw new InvalidDataException("A top-k delta is truncated.");
        }

        var k = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (k < 0 || k > destination.Length || payload.Length != 4 + ((long)k * 8))
        {
            throw new InvalidDataException($"A top-k delta claims {k} entries in {payload.Length} bytes for {destination.Length} values.");
        }

        destination.Clear();
        for (var e = 0; e < k; e++)
        {
            var index = BinaryPrimitives.ReadInt32LittleEndian(payload[(4 + (e * 8))..]);
            if ((uint)index >= (uint)destination.Length)
            {
                throw new InvalidDataException($"A top-k index {index} is out of range.");
            }

            destination[index] = BinaryPrimitives.ReadSingleLittleEndian(payload[(8 + (e * 8))..]);
        }
    }
}
