using EdgeNode.Messaging.Sparkplug.Protobuf;
using Google.Protobuf;
using ProtoMetric = EdgeNode.Messaging.Sparkplug.Protobuf.Payload.Types.Metric;

namespace EdgeNode.Messaging.Sparkplug;

/// <summary>
/// Encodes and decodes Sparkplug B payloads (<c>org.eclipse.tahu.protobuf.Payload</c>, schema in
/// <c>sparkplug_b.proto</c>) for the scalar types of <see cref="SparkplugDataType"/>.
/// </summary>
public static class SparkplugCodec
{
    private const string EngineeringUnit = "engUnit";

    /// <summary>Encodes <paramref name="payload"/>; throws <see cref="ArgumentException"/> when a value does not fit its data type.</summary>
    public static byte[] Encode(SparkplugPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var message = new Payload();
        if (payload.Timestamp is { } timestamp)
        {
            message.Timestamp = ToMilliseconds(timestamp);
        }

        if (payload.Seq is { } seq)
        {
            message.Seq = seq;
        }

        foreach (var metric in payload.Metrics)
        {
            message.Metrics.Add(Encode(metric));
        }

        return message.ToByteArray();
    }

    /// <summary>
    /// Decodes a payload. Throws <see cref="InvalidDataException"/> naming the problem when it is not a Sparkplug B
    /// payload, a metric has an unsupported data type, or a value does not match its data type.
    /// </summary>
    public static SparkplugPayload Decode(ReadOnlySpan<byte> bytes)
    {
        Payload message;
        try
        {
            message = Payload.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException("Not a Sparkplug B payload: " + ex.Message, ex);
        }

        var metrics = new List<SparkplugMetric>(message.Metrics.Count);
        for (var i = 0; i < message.Metrics.Count; i++)
        {
            metrics.Add(Decode(message.Metrics[i], i));
        }

        return new SparkplugPayload(
            message.HasTimestamp ? FromMilliseconds(message.Timestamp, "payload timestamp") : null,
            message.HasSeq ? message.Seq : null,
            metrics);
    }

    private static ProtoMetric Encode(SparkplugMetric metric)
    {
        var m = new ProtoMetric { Datatype = (uint)metric.DataType };
        if (metric.Name is not null)
        {
            m.Name = metric.Name;
        }

        if (metric.Alias is { } alias)
        {
            m.Alias = alias;
        }

        if (metric.Timestamp is { } timestamp)
        {
            m.Timestamp = ToMilliseconds(timestamp);
        }

        if (metric.Unit is not null)
        {
            m.Properties = new Payload.Types.PropertySet
            {
                Keys = { EngineeringUnit },
                Values = { new Payload.Types.PropertyValue { Type = (uint)SparkplugDataType.String, StringValue = metric.Unit } },
            };
        }

        if (metric.Value is null)
        {
            m.IsNull = true;
            return m;
        }

        var name = metric.Name ?? "alias " + metric.Alias;
        switch (metric.DataType, metric.Value)
        {
            case (SparkplugDataType.Int8, long v) when v is >= sbyte.MinValue and <= sbyte.MaxValue:
            case (SparkplugDataType.Int16, long v2) when v2 is >= short.MinValue and <= short.MaxValue:
            case (SparkplugDataType.Int32, long v3) when v3 is >= int.MinValue and <= int.MaxValue:
                m.IntValue = unchecked((uint)(int)(long)metric.Value);
                break;
            case (SparkplugDataType.UInt8, ulong v) when v <= byte.MaxValue:
            case (SparkplugDataType.UInt16, ulong v2) when v2 <= ushort.MaxValue:
            case (SparkplugDataType.UInt32, ulong v3) when v3 <= uint.MaxValue:
                m.IntValue = (uint)(ulong)metric.Value;
                break;
            case (SparkplugDataType.Int64, long v):
                m.LongValue = unchecked((ulong)v);
                break;
            case (SparkplugDataType.UInt64, ulong v):
                m.LongValue = v;
                break;
            case (SparkplugDataType.DateTime, DateTimeOffset v):
                m.LongValue = ToMilliseconds(v);
                break;
            case (SparkplugDataType.Float, float v):
                m.FloatValue = v;
                break;
            case (SparkplugDataType.Double, double v):
                m.DoubleValue = v;
                break;
            case (SparkplugDataType.Boolean, bool v):
                m.BooleanValue = v;
                break;
            case (SparkplugDataType.String or SparkplugDataType.Text, string v):
                m.StringValue = v;
                break;
            default:
                throw new ArgumentException($"Metric '{name}': a {metric.Value.GetType().Name} value {metric.Value} does not fit data type {metric.DataType}.", nameof(metric));
        }

        return m;
    }

    private static SparkplugMetric Decode(ProtoMetric m, int index)
    {
        var name = m.HasName ? m.Name : null;
        var what = name is not null ? $"Metric '{name}'" : m.HasAlias ? $"Metric with alias {m.Alias}" : $"Metric #{index}";
        var type = m.HasDatatype ? m.Datatype : 0;
        if (type > (uint)SparkplugDataType.Text)
        {
            throw new InvalidDataException($"{what}: data type {type} is not supported (EdgeNode reads scalar types 1-14).");
        }

        var dataType = (SparkplugDataType)type;
        object? value = null;
        if (m.IsNull)
        {
            if (dataType == SparkplugDataType.Unknown)
            {
                throw new InvalidDataException($"{what}: a null value needs a data type.");
            }
        }
        else
        {
            (dataType, value) = DecodeValue(m, dataType, what);
        }

        return new SparkplugMetric(name, m.HasAlias ? m.Alias : null, dataType, value)
        {
            Timestamp = m.HasTimestamp ? FromMilliseconds(m.Timestamp, what + " timestamp") : null,
            Unit = Unit(m.Properties),
        };
    }

    private static (SparkplugDataType Type, object Value) DecodeValue(ProtoMetric m, SparkplugDataType type, string what)
    {
        if (type == SparkplugDataType.Unknown)
        {
            // No data type given: take the field that is set (hosts do this for simple writes).
            type = m.ValueCase switch
            {
                ProtoMetric.ValueOneofCase.IntValue => SparkplugDataType.UInt32,
                ProtoMetric.ValueOneofCase.LongValue => SparkplugDataType.UInt64,
                ProtoMetric.ValueOneofCase.FloatValue => SparkplugDataType.Float,
                ProtoMetric.ValueOneofCase.DoubleValue => SparkplugDataType.Double,
                ProtoMetric.ValueOneofCase.BooleanValue => SparkplugDataType.Boolean,
                ProtoMetric.ValueOneofCase.StringValue => SparkplugDataType.String,
                _ => SparkplugDataType.Unknown,
            };
        }

        object? value = (type, m.ValueCase) switch
        {
            (SparkplugDataType.Int8, ProtoMetric.ValueOneofCase.IntValue) => (long)unchecked((sbyte)m.IntValue),
            (SparkplugDataType.Int16, ProtoMetric.ValueOneofCase.IntValue) => (long)unchecked((short)m.IntValue),
            (SparkplugDataType.Int32, ProtoMetric.ValueOneofCase.IntValue) => (long)unchecked((int)m.IntValue),
            (SparkplugDataType.UInt8, ProtoMetric.ValueOneofCase.IntValue) when m.IntValue <= byte.MaxValue => (ulong)m.IntValue,
            (SparkplugDataType.UInt16, ProtoMetric.ValueOneofCase.IntValue) when m.IntValue <= ushort.MaxValue => (ulong)m.IntValue,
            (SparkplugDataType.UInt32, ProtoMetric.ValueOneofCase.IntValue) => (ulong)m.IntValue,
            (SparkplugDataType.Int64, ProtoMetric.ValueOneofCase.LongValue) => unchecked((long)m.LongValue),
            (SparkplugDataType.UInt64, ProtoMetric.ValueOneofCase.LongValue) => m.LongValue,
            (SparkplugDataType.DateTime, ProtoMetric.ValueOneofCase.LongValue) => FromMilliseconds(m.LongValue, what),
            (SparkplugDataType.Float, ProtoMetric.ValueOneofCase.FloatValue) => m.FloatValue,
            (SparkplugDataType.Double, ProtoMetric.ValueOneofCase.DoubleValue) => m.DoubleValue,
            (SparkplugDataType.Boolean, ProtoMetric.ValueOneofCase.BooleanValue) => m.BooleanValue,
            (SparkplugDataType.String or SparkplugDataType.Text, ProtoMetric.ValueOneofCase.StringValue) => m.StringValue,
            _ => null,
        };
        return value is null
            ? throw new InvalidDataException($"{what}: value field {m.ValueCase} does not fit data type {type}.")
            : (type, value);
    }

    private static string? Unit(Payload.Types.PropertySet? properties)
    {
        if (properties is null)
        {
            return null;
        }

        var index = properties.Keys.IndexOf(EngineeringUnit);
        return index >= 0 && index < properties.Values.Count && properties.Values[index].ValueCase == Payload.Types.PropertyValue.ValueOneofCase.StringValue
            ? properties.Values[index].StringValue
            : null;
    }

    private static ulong ToMilliseconds(DateTimeOffset timestamp) => (ulong)Math.Max(0, timestamp.ToUnixTimeMilliseconds());

    private static DateTimeOffset FromMilliseconds(ulong milliseconds, string what) =>
        milliseconds <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds)
            : throw new InvalidDataException($"{what}: {milliseconds} ms is past the year 9999.");
}
