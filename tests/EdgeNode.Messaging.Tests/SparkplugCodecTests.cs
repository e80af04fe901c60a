using EdgeNode.Messaging.Sparkplug;
using EdgeNode.Messaging.Sparkplug.Protobuf;
using EdgeNode.Testing;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace EdgeNode.Messaging.Tests;

/// <summary>The Sparkplug B payload codec: round trips, the schema against the specification, protoc as an independent decoder.</summary>
public sealed class SparkplugCodecTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_123);

    public static TheoryData<SparkplugDataType, object?> Values => new()
    {
        { SparkplugDataType.Int8, -128L },
        { SparkplugDataType.Int16, -2L },
        { SparkplugDataType.Int32, int.MinValue + 0L },
        { SparkplugDataType.Int64, long.MinValue },
        { SparkplugDataType.UInt8, 255UL },
        { SparkplugDataType.UInt16, 65535UL },
        { SparkplugDataType.UInt32, uint.MaxValue + 0UL },
        { SparkplugDataType.UInt64, ulong.MaxValue },
        { SparkplugDataType.Float, 1.5f },
        { SparkplugDataType.Double, -0.000123 },
        { SparkplugDataType.Double, double.NaN },
        { SparkplugDataType.Boolean, true },
        { SparkplugDataType.String, "Grüße/°C \"quoted\"" },
        { SparkplugDataType.Text, "" },
        { SparkplugDataType.DateTime, Now },
        { SparkplugDataType.Int64, null },
        { SparkplugDataType.String, null },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Encode_Decode_RoundTripsEveryScalarType(SparkplugDataType type, object? value)
    {
        var metric = new SparkplugMetric("Folder/Metric", 42, type, value) { Timestamp = Now, Unit = "°C" };

        var decoded = SparkplugCodec.Decode(SparkplugCodec.Encode(new SparkplugPayload(Now, 7, [metric])));

        Assert.Equal(Now, decoded.Timestamp);
        Assert.Equal(7UL, decoded.Seq);
        Assert.Equal(metric, Assert.Single(decoded.Metrics));
    }

    [Fact]
    public void Encode_WithoutSeq_DecodesWithoutSeq()
    {
        var decoded = SparkplugCodec.Decode(SparkplugCodec.Encode(new SparkplugPayload(Now, null, [])));

        Assert.Null(decoded.Seq);
        Assert.Empty(decoded.Metrics);
    }

    [Theory]
    [InlineData(SparkplugDataType.Int8, 128L)]
    [InlineData(SparkplugDataType.Int32, 1)]
    [InlineData(SparkplugDataType.UInt16, 70000UL)]
    [InlineData(SparkplugDataType.Double, 1f)]
    [InlineData(SparkplugDataType.Boolean, "true")]
    [InlineData(SparkplugDataType.Unknown, 1L)]
    public void Encode_ValueThatDoesNotFitItsType_ThrowsNamingTheMetric(SparkplugDataType type, object value)
    {
        var ex = Assert.Throws<ArgumentException>(() => SparkplugCodec.Encode(new SparkplugPayload(Now, 0, [new SparkplugMetric("Bad", 3, type, value)])));

        Assert.Contains("'Bad'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x12, 0x05, 0x0A })]
    [InlineData(new byte[] { 0x0A, 0x80 })]
    public void Decode_NotProtobuf_ThrowsInvalidData(byte[] bytes)
    {
        var ex = Assert.Throws<InvalidDataException>(() => SparkplugCodec.Decode(bytes));

        Assert.Contains("Sparkplug", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ValueFieldNotMatchingDataType_ThrowsInvalidData()
    {
        var payload = new Payload { Metrics = { new Payload.Types.Metric { Name = "X", Datatype = (uint)SparkplugDataType.Boolean, StringValue = "yes" } } };

        var ex = Assert.Throws<InvalidDataException>(() => SparkplugCodec.Decode(payload.ToByteArray()));

        Assert.Contains("'X'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16u)]
    [InlineData(19u)]
    [InlineData(99u)]
    public void Decode_UnsupportedDataType_ThrowsInvalidData(uint type)
    {
        var payload = new Payload { Metrics = { new Payload.Types.Metric { Alias = 9, Datatype = type, BytesValue = Google.Protobuf.ByteString.CopyFrom(1, 2) } } };

        var ex = Assert.Throws<InvalidDataException>(() => SparkplugCodec.Decode(payload.ToByteArray()));

        Assert.Contains("alias 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_SignedNarrowIntegers_AcceptBothSignExtendedAndNarrowTwosComplement()
    {
        var payload = new Payload
        {
            Metrics =
            {
                new Payload.Types.Metric { Alias = 1, Datatype = (uint)SparkplugDataType.Int8, IntValue = 0xFFFFFFFF },
                new Payload.Types.Metric { Alias = 2, Datatype = (uint)SparkplugDataType.Int8, IntValue = 0xFF },
                new Payload.Types.Metric { Alias = 3, Datatype = (uint)SparkplugDataType.Int16, IntValue = 0xFFFE },
            },
        };

        var metrics = SparkplugCodec.Decode(payload.ToByteArray()).Metrics;

        Assert.Equal([-1L, -1L, -2L], metrics.Select(m => m.Value));
    }

    [Fact]
    public void Schema_FieldNumbersAndTypes_AreTheSpecifications()
    {
        Assert.Equal("org.eclipse.tahu.protobuf.Payload", Payload.Descriptor.FullName);
        AssertFields(Payload.Descriptor, ("timestamp", 1, FieldType.UInt64), ("metrics", 2, FieldType.Message), ("seq", 3, FieldType.UInt64), ("uuid", 4, FieldType.String), ("body", 5, FieldType.Bytes));
        AssertFields(
            Payload.Types.Metric.Descriptor,
            ("name", 1, FieldType.String), ("alias", 2, FieldType.UInt64), ("timestamp", 3, FieldType.UInt64), ("datatype", 4, FieldType.UInt32),
            ("is_historical", 5, FieldType.Bool), ("is_transient", 6, FieldType.Bool), ("is_null", 7, FieldType.Bool), ("metadata", 8, FieldType.Message),
            ("properties", 9, FieldType.Message), ("int_value", 10, FieldType.UInt32), ("long_value", 11, FieldType.UInt64), ("float_value", 12, FieldType.Float),
            ("double_value", 13, FieldType.Double), ("boolean_value", 14, FieldType.Bool), ("string_value", 15, FieldType.String), ("bytes_value", 16, FieldType.Bytes),
            ("dataset_value", 17, FieldType.Message), ("template_value", 18, FieldType.Message), ("extension_value", 19, FieldType.Message));
        AssertFields(Payload.Types.PropertySet.Descriptor, ("keys", 1, FieldType.String), ("values", 2, FieldType.Message));
        AssertFields(
            Payload.Types.PropertyValue.Descriptor,
            ("type", 1, FieldType.UInt32), ("is_null", 2, FieldType.Bool), ("int_value", 3, FieldType.UInt32), ("long_value", 4, FieldType.UInt64),
            ("float_value", 5, FieldType.Float), ("double_value", 6, FieldType.Double), ("boolean_value", 7, FieldType.Bool), ("string_value", 8, FieldType.String));
        Assert.Equal(
            Enum.GetValues<SparkplugDataType>().Select(v => ((int)v, v.ToString())),
            Enum.GetValues<SparkplugDataType>().Select(v => ((int)v, SparkplugBReflection.Descriptor.EnumTypes.Single(e => e.Name == "DataType").FindValueByNumber((int)v).Name)));
    }

    [Fact]
    public async Task Encode_IsReadByProtoc_WithTheSchemaAndWithoutIt()
    {
        var bytes = SparkplugCodec.Encode(new SparkplugPayload(Now, 0,
        [
            new SparkplugMetric("bdSeq", null, SparkplugDataType.Int64, 3L),
            new SparkplugMetric("Inference/Latency P50", 8, SparkplugDataType.Double, 12.5) { Unit = "ms" },
            new SparkplugMetric("Prediction/Label", 28, SparkplugDataType.String, null),
        ]));

        var decoded = ProtoText.Parse(await Protoc.DecodeAsync(bytes, Protoc.SparkplugSchema, Protoc.SparkplugPayload));
        var raw = ProtoText.Parse(await Protoc.DecodeRawAsync(bytes));

        Assert.Equal(Now.ToUnixTimeMilliseconds(), decoded.Number("timestamp"));
        Assert.Equal(0, decoded.Number("seq"));
        var metrics = decoded.Messages("metrics");
        Assert.Equal(["bdSeq", "Inference/Latency P50", "Prediction/Label"], metrics.Select(m => m.Scalar("name")));
        Assert.Equal(3, metrics[0].Number("long_value"));
        Assert.False(metrics[0].Has("alias"));
        Assert.Equal("12.5", metrics[1].Scalar("double_value"));
        Assert.Equal("ms", metrics[1].Message("properties")!.Message("values")!.Scalar("string_value"));
        Assert.Equal("true", metrics[2].Scalar("is_null"));

        // Field numbers straight off the wire: 1 timestamp, 2 metrics (1 name, 2 alias, 4 datatype, 11 long_value), 3 seq.
        Assert.Equal(0, raw.Number("3"));
        var first = raw.Messages("2")[0];
        Assert.Equal("bdSeq", first.Scalar("1"));
        Assert.Equal(4, first.Number("4"));
        Assert.Equal(3, first.Number("11"));
        Assert.Equal(8, raw.Messages("2")[1].Number("2"));
    }

    private static void AssertFields(MessageDescriptor message, params (string Name, int Number, FieldType Type)[] expected)
    {
        foreach (var (name, number, type) in expected)
        {
            var field = message.FindFieldByName(name);
            Assert.True(field is not null, $"{message.Name}.{name} is missing");
            Assert.Equal((number, type), (field.FieldNumber, field.FieldType));
        }
    }
}
