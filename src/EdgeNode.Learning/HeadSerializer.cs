using System.Security.Cryptography;
using EdgeNode.Common;

namespace EdgeNode.Learning;

/// <summary>
/// The head file format: magic <c>EDGH</c>, format version, architecture, classes, scaler, parameters and
/// <see cref="HeadInfo"/>, then a SHA-256 of everything before it, so a torn or corrupted file is detected.
/// Format 2 adds one byte, the <see cref="HeadKind"/>, after the sample count; format 1 files still load (as softmax heads).
/// </summary>
public static class HeadSerializer
{
    private const int Magic = 0x48474445; // "EDGH"
    private const short FormatVersion = 2;
    private const int HashLength = 32;

    /// <summary>Serialises <paramref name="head"/> with <paramref name="info"/>.</summary>
    public static byte[] Serialize(HeadModel head, HeadInfo info)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(info);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(info.Version);
            w.Write(info.CreatedAt.ToUnixTimeMilliseconds());
            w.Write(info.BackboneId);
            w.Write(info.ValidationAccuracy);
            w.Write(info.Samples);
            w.Write((byte)info.Kind);
            w.Write(head.InputSize);
            w.Write(head.HiddenSize);
            w.Write(head.Classes.Count);
            foreach (var label in head.Classes)
            {
                w.Write(label);
            }

            WriteFloats(w, head.Scaler.Mean);
            WriteFloats(w, head.Scaler.InvStd);
            w.Write(head.ParameterCount);
            WriteFloats(w, head.Parameters);
        }

        var body = stream.ToArray();
        var result = new byte[body.Length + HashLength];
        body.CopyTo(result, 0);
        SHA256.HashData(body, result.AsSpan(body.Length));
        return result;
    }

    /// <summary>Reads a head file's bytes.</summary>
    /// <exception cref="InvalidDataException">Truncated, corrupted, or not a head file.</exception>
    public static (HeadModel Head, HeadInfo Info) Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < HashLength + 8)
        {
            throw new InvalidDataException("The head file is truncated.");
        }

        var body = data[..^HashLength];
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(data[^HashLength..]))
        {
            throw new InvalidDataException("The head file's checksum does not match: it is corrupted or was torn while written.");
        }

        try
        {
            using var r = new BinaryReader(new MemoryStream(body.ToArray()));
            var format = r.ReadInt32() == Magic ? r.ReadInt16() : (short)0;
            if (format is not (1 or FormatVersion))
            {
                throw new InvalidDataException("Not a head file of a supported format version.");
            }

            var info = new HeadInfo(r.ReadInt32(), DateTimeOffset.FromUnixTimeMilliseconds(r.ReadInt64()), r.ReadString(), r.ReadDouble(), r.ReadInt32());
            if (format >= 2)
            {
                var kind = r.ReadByte();
                info = info with { Kind = Enum.IsDefined((HeadKind)kind) ? (HeadKind)kind : throw new InvalidDataException($"Unknown head kind {kind}.") };
            }

            var input = r.ReadInt32();
            var hidden = r.ReadInt32();
            var classes = r.ReadInt32();
            if (input is <= 0 or > 1 << 20 || hidden is < 0 or > 1 << 16 || classes is < 0 or > 1 << 16)
            {
                throw new InvalidDataException("The head file's dimensions are out of range.");
            }

            var labels = new string[classes];
            for (var i = 0; i < classes; i++)
            {
                labels[i] = r.ReadString();
            }

            var scaler = new FeatureScaler(ReadFloats(r, input), ReadFloats(r, input));
            var parameters = ReadFloats(r, r.ReadInt32());
            if (!EmbeddingGuard.IsFinite(parameters) || !EmbeddingGuard.IsFinite(scaler.Mean) || !EmbeddingGuard.IsFinite(scaler.InvStd))
            {
                throw new InvalidDataException("The head file holds NaN or infinite values.");
            }

            return (new HeadModel(input, hidden, labels, scaler, parameters), info);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or IOException or FormatException)
        {
            throw new InvalidDataException("The head file is malformed: " + ex.Message, ex);
        }
    }

    private static void WriteFloats(BinaryWriter w, ReadOnlySpan<float> values) =>
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));

    private static float[] ReadFloats(BinaryReader r, int count)
    {
        if (count < 0 || (long)count * 4 > r.BaseStream.Length - r.BaseStream.Position)
        {
            throw new InvalidDataException("The head file is truncated.");
        }

        var values = new float[count];
        r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }
}
