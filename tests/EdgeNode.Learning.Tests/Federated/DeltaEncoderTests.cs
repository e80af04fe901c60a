using EdgeNode.Testing;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Learning.Tests.Federated;

public sealed class DeltaEncoderTests
{
    private static readonly int[] Tensors = [4000, 1000];

    private static float[] RandomDelta(int seed, float scale = 0.01f)
    {
        var random = new Random(seed);
        var delta = new float[5000];
        for (var i = 0; i < delta.Length; i++)
        {
            delta[i] = scale * Blobs.Gaussian(random);
        }

        return delta;
    }

    [Fact]
    public void Dense_RoundTrip_IsExact()
    {
        var delta = RandomDelta(1);
        var payload = DeltaEncoder.Encode(delta, Tensors, new CodecSettings(DeltaCodec.Dense), []);
        var decoded = new float[delta.Length];
        DeltaEncoder.Decode(payload, DeltaCodec.Dense, Tensors, decoded);
        Assert.Equal(delta, decoded);
        Assert.Equal(delta.Length * 4, payload.Length);
    }

    [Fact]
    public void Int8_RoundTrip_ErrorWithinHalfAStepAndAtLeast3Point5TimesSmaller()
    {
        var delta = RandomDelta(2);
        delta[4500] = 0.5f; // the bias tensor gets its own scale
        var payload = DeltaEncoder.Encode(delta, Tensors, new CodecSettings(DeltaCodec.QuantizedInt), []);
        var decoded = new float[delta.Length];
        DeltaEncoder.Decode(payload, DeltaCodec.QuantizedInt, Tensors, decoded);
        var weightStep = delta.AsSpan(0, 4000).ToArray().Max(MathF.Abs) / 127f;
        for (var i = 0; i < 4000; i++)
        {
            Assert.True(MathF.Abs(decoded[i] - delta[i]) <= (weightStep / 2) + 1e-7f, $"value {i}");
        }

        Assert.Equal(0.5f, decoded[4500], 5);
        Assert.True(delta.Length * 4 / (double)payload.Length >= 3.5);
    }

    [Fact]
    public void TopK_KeepsTheLargestValues()
    {
        var delta = RandomDelta(3);
        var payload = DeltaEncoder.Encode(delta, Tensors, new CodecSettings(DeltaCodec.TopK, 0.1f), []);
        var decoded = new float[delta.Length];
        DeltaEncoder.Decode(payload, DeltaCodec.TopK, Tensors, decoded);
        var kept = decoded.Count(v => v != 0);
        Assert.Equal(500, kept);
        var threshold = delta.Select(MathF.Abs).OrderDescending().ElementAt(499);
        for (var i = 0; i < delta.Length; i++)
        {
            Assert.Equal(MathF.Abs(delta[i]) >= threshold ? delta[i] : 0f, decoded[i]);
        }
    }

    [Theory]
    [InlineData(DeltaCodec.QuantizedInt)]
    [InlineData(DeltaCodec.TopK)]
    public void ErrorFeedback_OverRounds_SentPlusResidualEqualsTotal(DeltaCodec codec)
    {
        var residual = new float[5000];
        var sent = new float[5000];
        var total = new float[5000];
        var decoded = new float[5000];
        for (var round = 0; round < 5; round++)
        {
            var delta = RandomDelta(10 + round);
            var payload = DeltaEncoder.Encode(delta, Tensors, new CodecSettings(codec, 0.05f), residual);
            DeltaEncoder.Decode(payload, codec, Tensors, decoded);
            for (var i = 0; i < delta.Length; i++)
            {
                sent[i] += decoded[i];
                total[i] += delta[i];
            }
        }

        for (var i = 0; i < total.Length; i++)
        {
            Assert.Equal(total[i], sent[i] + residual[i], 4);
        }
    }

    [Theory]
    [InlineData(DeltaCodec.Dense, 100)]
    [InlineData(DeltaCodec.QuantizedInt, 5007)]
    [InlineData(DeltaCodec.TopK, 12)]
    public void Decode_WrongLength_Throws(DeltaCodec codec, int bytes)
    {
        var payload = new byte[bytes];
        if (codec == DeltaCodec.TopK)
        {
            payload[0] = 5; // claims 5 entries in 12 bytes
        }

        Assert.Throws<InvalidDataException>(() => DeltaEncoder.Decode(payload, codec, Tensors, new float[5000]));
    }

    [Fact]
    public void Decode_TopKIndexOutOfRange_Throws()
    {
        var payload = new byte[12];
        payload[0] = 1;
        BitConverter.TryWriteBytes(payload.AsSpan(4), 5000);
        Assert.Throws<InvalidDataException>(() => DeltaEncoder.Decode(payload, DeltaCodec.TopK, Tensors, new float[5000]));
    }

    [Fact]
    public void Encode_NaN_Throws()
    {
        var delta = RandomDelta(4);
        delta[7] = float.NaN;
        Assert.Throws<ArgumentException>(() => DeltaEncoder.Encode(delta, Tensors, new CodecSettings(DeltaCodec.Dense), []));
    }

    [Theory]
    [InlineData("none", DeltaCodec.Dense)]
    [InlineData("int8", DeltaCodec.QuantizedInt)]
    [InlineData("topk:0.05", DeltaCodec.TopK)]
    public void CodecSettings_Parse_Known(string text, DeltaCodec codec) => Assert.Equal(codec, CodecSettings.Parse(text).Codec);

    [Theory]
    [InlineData("gzip")]
    [InlineData("topk:0")]
    [InlineData("topk:2")]
    public void CodecSettings_Parse_Unknown_Throws(string text) => Assert.Throws<FormatException>(() => CodecSettings.Parse(text));
}
