using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using EdgeNode.Core;
using EdgeNode.Hosting;
using EdgeNode.Inference;
using EdgeNode.Messaging;
using EdgeNode.Split;
using EdgeNode.Split.Wire;
using EdgeNode.Testing;
using Google.Protobuf;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Split;

/// <summary>
/// JPEG offload (<c>edgenode split --at jpeg</c>, split.json kind jpeg) on real parts: the tail's gRPC service on the
/// node's Kestrel registration on a real port, decoding with the model's own pre-processing; the head's link and
/// engine sending JPEG frames as they are and encoding RGB frames.
/// </summary>
public sealed class JpegOffloadTests
{
    [Fact]
    public async Task JpegOffload_ThroughATail_EqualsTheWholeModelOnTheSameDecodedImage()
    {
        using var models = SplitModels.Create();
        await using var tail = await StartTailAsync(models);
        using var whole = models.LoadWhole();
        await using var head = await JpegHead.StartAsync(models, tail.Url, quality: 90);
        await Eventually.TrueAsync(() => head.Status.Mode == "active", "the head connected to the tail");

        long bytes = 0;
        for (var i = 0; i < 4; i++)
        {
            // A JPEG camera frame crosses as it is; the same bytes decoded here are the reference.
            using var rgb = SplitModels.ColourField(i, i + 1);
            using var jpeg = ToJpeg(rgb, 75);
            var split = new float[16];
            var local = new float[16];
            await head.Engine.EmbedAsync(jpeg, split, canReuse: false, CancellationToken.None);
            whole.Embed(jpeg, local);
            Assert.True(TensorPrimitives.CosineSimilarity(split, local) >= 0.9999, $"JPEG frame {i}: cosine {TensorPrimitives.CosineSimilarity(split, local)}");

            // An RGB frame is encoded at EdgeNode__Split__JpegQuality: the whole model on that same JPEG is the reference.
            using var encoded = ToJpeg(rgb, 90);
            await head.Engine.EmbedAsync(rgb, split, canReuse: false, CancellationToken.None);
            whole.Embed(encoded, local);
            Assert.True(TensorPrimitives.CosineSimilarity(split, local) >= 0.9999, $"RGB frame {i}: cosine {TensorPrimitives.CosineSimilarity(split, local)}");
            bytes += jpeg.Length + encoded.Length;
        }

        // What crossed is the JPEG and nothing else: the frame's own bytes, the RGB frame's encoding.
        Assert.Equal(8, head.Status.SentFrames);
        Assert.Equal(bytes, head.Status.SentBytes);

        Assert.Equal(8, head.Status.RemoteFrames);
        Assert.Equal(0, head.Status.LocalFrames);
        Assert.Equal(8, tail.Status.TailFrames);
    }

    [Fact]
    public async Task JpegTail_GivenABombAndGarbage_AnswersEachFrameAnErrorAndServesTheNextFrames()
    {
        using var models = SplitModels.Create();
        await using var tail = await StartTailAsync(models);
        using var whole = models.LoadWhole();
        var manifest = SplitCut.Load(models.JpegFolder).Manifest;
        using var channel = GrpcChannel.ForAddress(tail.Url);
        var client = new SplitTail.SplitTailClient(channel);
        var hello = await client.HelloAsync(new HelloRequest { ModelSha256 = manifest.ModelSha256, TailSha256 = manifest.TailSha256, Node = "h" });
        Assert.Equal("(jpeg offload)", hello.Cut);

        using var rgb = SplitModels.ColourField(7, 1);
        using var good = ToJpeg(rgb, 85);
        var bomb = Bomb(good.Data.ToArray(), 60_000, 60_000);
        using var call = client.Infer();
        Activation Message(long seq, byte[] data) => new() { Seq = seq, ModelSha256 = manifest.ModelSha256, TailSha256 = manifest.TailSha256, Encoding = Encoding.Jpeg, Data = ByteString.CopyFrom(data) };
        await call.RequestStream.WriteAsync(Message(1, bomb));
        await call.RequestStream.WriteAsync(Message(2, [0xFF, 0xD8, 0x00, 0x01, 0x02, 0x03, 0x04]));
        await call.RequestStream.WriteAsync(Message(3, good.Data.ToArray()));
        await call.RequestStream.CompleteAsync();

        var replies = new List<Embedding>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            replies.Add(call.ResponseStream.Current);
        }

        Assert.Equal([1L, 2L, 3L], replies.Select(r => r.Seq));
        Assert.Contains("60000x60000", replies[0].Error, StringComparison.Ordinal);
        Assert.Contains("at most", replies[0].Error, StringComparison.Ordinal);
        Assert.True(replies[0].Values.IsEmpty);
        Assert.Contains("cannot be decoded", replies[1].Error, StringComparison.Ordinal);
        Assert.True(replies[1].Values.IsEmpty);

        // The stream went on: the good frame after them is the whole model's answer on it.
        Assert.Empty(replies[2].Error);
        var local = new float[16];
        whole.Embed(good, local);
        var values = MemoryMarshal.Cast<byte, float>(replies[2].Values.Span).ToArray();
        Assert.True(TensorPrimitives.CosineSimilarity(values, local) >= 0.9999);
        Assert.Equal(1, tail.Status.TailFrames);
    }

    [Fact]
    public async Task JpegHead_FrameTheTailCannotDecode_RunsLocallyAndTheStreamStaysOpen()
    {
        using var models = SplitModels.Create();
        await using var tail = await StartTailAsync(models);
        using var whole = models.LoadWhole();
        await using var head = await JpegHead.StartAsync(models, tail.Url, quality: 85);
        await Eventually.TrueAsync(() => head.Status.Mode == "active", "the head connected to the tail");

        // Undecodable here too: the frame fails as it would with no split at all, bad data for that one frame.
        using var garbage = Core.Frame.Copy(1, DateTimeOffset.UnixEpoch, 0, 0, FrameFormat.Jpeg, [0xFF, 0xD8, 0x00, 0x01, 0x02]);
        await Assert.ThrowsAsync<InvalidDataException>(() => head.Engine.EmbedAsync(garbage, new float[16], canReuse: false, CancellationToken.None));
        Assert.Equal("active", head.Status.Mode);

        using var rgb = SplitModels.ColourField(3, 2);
        var split = new float[16];
        await head.Engine.EmbedAsync(rgb, split, canReuse: false, CancellationToken.None);
        Assert.Equal(1, head.Status.RemoteFrames);
        Assert.Equal(1, tail.Status.TailFrames);
        Assert.Equal(1, tail.Status.Streams);
    }

    [Fact]
    public void JpegCut_LoadsForBothRoles()
    {
        using var models = SplitModels.Create();
        var cut = SplitCut.Load(models.JpegFolder);
        Assert.True(cut.IsJpeg);
        Assert.Equal(cut.Manifest.ModelSha256, cut.Manifest.TailSha256);
        Assert.Null(cut.Manifest.Head);
        Assert.False(File.Exists(Path.Combine(models.JpegFolder, "head.onnx")));
    }

    private static Task<TailHost> StartTailAsync(SplitModels models) =>
        TailHost.StartAsync(models.JpegFolder, FreePort.Next(), extra: new Dictionary<string, string?> { ["EdgeNode:Inference:ModelsPath"] = models.ModelsPath });

    private static Frame ToJpeg(Frame rgb, int quality)
    {
        var (buffer, length) = JpegFrames.Encode(rgb, quality);
        try
        {
            return Core.Frame.Copy(rgb.Sequence, rgb.Timestamp, 0, 0, FrameFormat.Jpeg, buffer.AsSpan(0, length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A real JPEG whose frame header (SOF) is rewritten to claim <paramref name="width"/>×<paramref name="height"/>: a decompression bomb.</summary>
    private static byte[] Bomb(byte[] jpeg, int width, int height)
    {
        for (var i = 2; i + 8 < jpeg.Length; i++)
        {
            if (jpeg[i] == 0xFF && jpeg[i + 1] is 0xC0 or 0xC1 or 0xC2)
            {
                jpeg[i + 5] = (byte)(height >> 8);
                jpeg[i + 6] = (byte)height;
                jpeg[i + 7] = (byte)(width >> 8);
                jpeg[i + 8] = (byte)width;
                return jpeg;
            }
        }

        throw new InvalidOperationException("No SOF marker in the encoded JPEG.");
    }

    /// <summary>A JPEG-offload head board: its link to the tail and its engine, with no head half.</summary>
    private sealed class JpegHead : IAsyncDisposable
    {
        private readonly SplitLink _link;
        private readonly OnnxInferenceEngine _local;

        private JpegHead(SplitLink link, OnnxInferenceEngine local, SplitHeadEngine engine, SplitStatus status)
        {
            _link = link;
            _local = local;
            Engine = engine;
            Status = status;
        }

        public SplitHeadEngine Engine { get; }

        public SplitStatus Status { get; }

        public static async Task<JpegHead> StartAsync(SplitModels models, string peer, int quality)
        {
            var cut = SplitCut.Load(models.JpegFolder);
            var options = new SplitOptions { Role = "head", Peer = peer, Cut = models.JpegFolder, DeadlineMs = 30_000, MaxInFlight = 3, JpegQuality = quality };
            var status = new SplitStatus("head");
            var identity = new NodeIdentity("head1", new NodeTopics("edgenode", "head1"));
            var link = new SplitLink(cut, new SplitPeers(peer, cut.Manifest.TailSha256!), status, Options.Create(options), identity, TimeProvider.System, NullLogger<SplitLink>.Instance);
            var local = models.LoadWhole();
            await link.StartAsync(CancellationToken.None);
            return new JpegHead(link, local, new SplitHeadEngine(local, null, cut, link, status, options, NullLogger.Instance), status);
        }

        public async ValueTask DisposeAsync()
        {
            await _link.StopAsync(CancellationToken.None);
            _link.Dispose();
            _local.Dispose();
        }
    }
}
