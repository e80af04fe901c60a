using System.Numerics.Tensors;
using System.Text.Json;
using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Hosting;
using EdgeNode.Inference;
using EdgeNode.Learning;
using EdgeNode.Messaging;
using EdgeNode.Pipeline;
using EdgeNode.Split;
using EdgeNode.Split.Wire;
using EdgeNode.Testing;
using EdgeNode.Tests.Outbox;
using EdgeNode.Tests.Pipeline;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Split;

/// <summary>
/// Split inference end to end on real parts: a tiny CNN cut by the split tooling, the tail's gRPC service on the
/// node's Kestrel registration on a real port, the head's link and engine, ONNX Runtime on both sides, and the
/// pipeline with a real SQLite outbox.
/// </summary>
public sealed class SplitTransportTests
{
    [Theory]
    [InlineData("int8", 0.995)]
    [InlineData("fp32", 0.9999)]
    public async Task Stream_ThroughATail_EqualsTheWholeModelWithinTolerance(string activation, double minCosine)
    {
        using var models = SplitModels.Create();
        await using var tail = await TailHost.StartAsync(models.CutFolder, FreePort.Next());
        using var whole = models.LoadWhole();
        await using var head = await HeadSide.StartAsync(models, tail.Url, activation);
        await Eventually.TrueAsync(() => head.Status.Mode == "active", "the head connected to the tail");

        for (var i = 0; i < 6; i++)
        {
            using var frame = Frame((byte)(30 + (i * 35)), i + 1);
            var split = new float[16];
            var local = new float[16];
            await head.Engine.EmbedAsync(frame, split, canReuse: false, CancellationToken.None);
            whole.Embed(frame, local);
            Assert.True(TensorPrimitives.CosineSimilarity(split, local) >= minCosine, $"frame {i}: cosine {TensorPrimitives.CosineSimilarity(split, local)} with {activation} activations");
        }

        Assert.Equal(6, head.Status.RemoteFrames);
        Assert.Equal(0, head.Status.LocalFrames);
        Assert.Equal(6, tail.Status.TailFrames);
    }

    [Fact]
    public async Task OneTail_ServesThreeHeadsAtOnce_EachGetsItsOwnAnswersInOrder()
    {
        using var models = SplitModels.Create();
        await using var tail = await TailHost.StartAsync(models.CutFolder, FreePort.Next());
        using var whole = models.LoadWhole();
        var heads = new List<HeadSide>();
        try
        {
            for (var h = 0; h < 3; h++)
            {
                heads.Add(await HeadSide.StartAsync(models, tail.Url, "fp32"));
            }

            await Eventually.TrueAsync(() => heads.All(h => h.Status.Mode == "active") && tail.Status.Streams == 3, "three heads streaming to one tail");
            var runs = heads.Select((head, h) => Task.Run(async () =>
            {
                for (var i = 0; i < 8; i++)
                {
                    // Each head has three frames in flight at once, like the pipeline keeps them.
                    var frames = Enumerable.Range(0, 3).Select(k => SplitModels.ColourField((h * 1000) + (i * 10) + k, (i * 3) + k + 1)).ToList();
                    var embeddings = frames.Select(_ => new float[16]).ToList();
                    await Task.WhenAll(frames.Select((f, k) => head.Engine.EmbedAsync(f, embeddings[k], canReuse: false, CancellationToken.None)));
                    var first = new float[16];
                    whole.Embed(frames[0], first);
                    for (var k = 0; k < frames.Count; k++)
                    {
                        var local = new float[16];
                        whole.Embed(frames[k], local);
                        Assert.True(k == 0 || TensorPrimitives.Distance(local, first) > 1e-3 * TensorPrimitives.Norm(local), "the frames' own embeddings must be ten times the tolerance apart");
                        // fp32 activations: the chained halves give the whole model's output to float rounding, far closer
                        // than any other frame's (checked above), so an answer matched to the wrong frame fails here.
                        Assert.True(TensorPrimitives.Distance(embeddings[k], local) <= 1e-4 * TensorPrimitives.Norm(local), $"head {h}, frame {i}/{k}: {TensorPrimitives.Distance(embeddings[k], local)} from its own frame's embedding");
                        frames[k].Dispose();
                    }
                }
            })).ToList();
            await Task.WhenAll(runs);

            Assert.All(heads, h => Assert.Equal(24, h.Status.RemoteFrames));
            Assert.Equal(72, tail.Status.TailFrames);
        }
        finally
        {
            foreach (var head in heads)
            {
                await head.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Hello_ForAnotherModel_IsRefusedNamingBothHashesAndTheTailKeepsServing()
    {
        using var models = SplitModels.Create();
        await using var tail = await TailHost.StartAsync(models.CutFolder, FreePort.Next());
        var manifest = SplitCut.Load(models.CutFolder).Manifest;
        using var channel = GrpcChannel.ForAddress(tail.Url);
        var client = new SplitTail.SplitTailClient(channel);
        var wrong = new string('a', 64);

        var hello = await Assert.ThrowsAsync<RpcException>(() => client.HelloAsync(new HelloRequest { ModelSha256 = wrong, TailSha256 = manifest.TailSha256, Node = "h" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, hello.StatusCode);
        Assert.Contains(wrong, hello.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(manifest.ModelSha256, hello.Status.Detail, StringComparison.Ordinal);

        using var call = client.Infer();
        await call.RequestStream.WriteAsync(new Activation { Seq = 1, ModelSha256 = manifest.ModelSha256, TailSha256 = wrong, Data = ByteString.CopyFrom(new byte[2048]) });
        var infer = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.FailedPrecondition, infer.StatusCode);
        Assert.Contains("tail " + wrong, infer.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, tail.Status.TailFrames);

        // The split port answers gRPC only: the host's other endpoints (the web page) are not reachable through it.
        using (var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri(tail.Url + "/"))).StatusCode);
        }

        // Nothing was lost on the tail's side: a head with the right cut is served as before.
        var ok = await client.HelloAsync(new HelloRequest { ModelSha256 = manifest.ModelSha256, TailSha256 = manifest.TailSha256, Node = "h" });
        Assert.Equal(manifest.Cut!.Tensor, ok.Cut);
    }

    [Fact]
    public async Task Head_WhoseTailHoldsAnotherCut_RunsEveryFrameLocallyAndSaysWhy()
    {
        using var models = SplitModels.Create();
        using var other = SplitModels.Create(); // the same graph cut afresh: same model, but the tail is checked by hash too
        var otherManifest = SplitCut.Load(other.CutFolder).Manifest;
        var cutPath = Path.Combine(other.CutFolder, "split.json");
        File.WriteAllText(cutPath, File.ReadAllText(cutPath).Replace(otherManifest.ModelSha256, new string('b', 64), StringComparison.Ordinal));
        await using var tail = await TailHost.StartAsync(other.CutFolder, FreePort.Next());
        await using var head = await HeadSide.StartAsync(models, tail.Url, "int8");
        await Eventually.TrueAsync(() => head.Status.Reason?.Contains("refused", StringComparison.Ordinal) == true, "the head says the tail refused");

        using var frame = Frame(90, 1);
        var embedding = new float[16];
        await head.Engine.EmbedAsync(frame, embedding, canReuse: false, CancellationToken.None);

        Assert.Equal("degraded", head.Status.Mode);
        Assert.Contains(new string('b', 64), head.Status.Reason, StringComparison.Ordinal);
        Assert.Equal(1, head.Status.LocalFrames);
        Assert.True(EdgeNode.Common.EmbeddingGuard.IsFinite(embedding) && embedding.Any(v => v != 0));
    }

    [Fact]
    public async Task Pipeline_TailStoppedMidStreamAndBack_EveryFrameHasExactlyOneResultAndSplitResumes()
    {
        using var models = SplitModels.Create();
        var port = FreePort.Next();
        var tail = await TailHost.StartAsync(models.CutFolder, port);
        await using var head = await HeadSide.StartAsync(models, tail.Url, "int8", deadlineMs: 30_000);
        await using var outbox = await OutboxHarness.OpenAsync();
        var camera = new FakeCamera("cam");
        using var cameras = new CameraSet([Pipeline.PipelineRig.Lane(camera)]);
        using var activity = new InferenceActivity();
        var processor = Pipeline.PipelineRig.Processor(head.Engine, activity);
        using var pipeline = new PipelineService(cameras, processor, outbox.Writer, NullLogger<PipelineService>.Instance);
        await Eventually.TrueAsync(() => head.Status.Mode == "active", "the head connected to the tail");
        await pipeline.StartAsync(CancellationToken.None);
        var pushed = 0;
        async Task PushAsync(int count)
        {
            // One frame at a time into the bounded queue, so none is dropped before inference: each must come out once.
            for (var i = 0; i < count; i++)
            {
                camera.Push((byte)(10 + (++pushed * 7 % 240)));
                var expected = pushed;
                await Eventually.TrueAsync(() => Pipeline.PipelineRig.Stored(outbox).Result.Count == expected, $"result {expected} stored");
            }
        }

        await PushAsync(5);
        Assert.Equal(5, head.Status.RemoteFrames);

        // The tail goes away with the stream open; the next frames run the whole model on the head.
        await tail.DisposeAsync();
        await PushAsync(5);
        await Eventually.TrueAsync(() => head.Status.Mode == "degraded", "the head reports split: degraded");
        Assert.True(head.Status.LocalFrames >= 4, $"{head.Status.LocalFrames} frames ran locally");

        // The tail returns on the same address: the head finds it again by itself.
        await using var back = await TailHost.StartAsync(models.CutFolder, port);
        await Eventually.TrueAsync(() => head.Status.Mode == "active", "split mode resumed after the tail came back");
        var remoteBefore = head.Status.RemoteFrames;
        await PushAsync(5);
        await pipeline.StopAsync(CancellationToken.None);

        var stored = await Pipeline.PipelineRig.Stored(outbox);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), stored.Select(r => r.GetProperty("frameSeq").GetInt64()));
        Assert.Equal(15, head.Status.RemoteFrames + head.Status.LocalFrames);
        Assert.True(head.Status.RemoteFrames > remoteBefore, "frames went to the tail again");
        Assert.All(stored, r => Assert.Equal("tiny-cnn", r.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task Pipeline_CachedFallbackWithTheTailGone_FramesReuseTheirCamerasLastResultAndANewCameraRunsLocally()
    {
        using var models = SplitModels.Create();
        var tail = await TailHost.StartAsync(models.CutFolder, FreePort.Next());
        await using var head = await HeadSide.StartAsync(models, tail.Url, "int8", fallback: "cached");
        await using var outbox = await OutboxHarness.OpenAsync();
        var seen = new FakeCamera("seen");
        var late = new FakeCamera("late");
        using var cameras = new CameraSet([Pipeline.PipelineRig.Lane(seen), Pipeline.PipelineRig.Lane(late)]);
        using var activity = new InferenceActivity();
        var processor = Pipeline.PipelineRig.Processor(head.Engine, activity);
        using var pipeline = new PipelineService(cameras, processor, outbox.Writer, NullLogger<PipelineService>.Instance);
        await Eventually.TrueAsync(() => head.Status.Mode == "active", "the head connected to the tail");
        await pipeline.StartAsync(CancellationToken.None);
        var stored = 0;
        async Task PushAsync(FakeCamera camera, int level)
        {
            camera.Push((byte)level);
            var expected = ++stored;
            await Eventually.TrueAsync(() => Pipeline.PipelineRig.Stored(outbox).Result.Count == expected, $"result {expected} stored");
        }

        for (var i = 0; i < 3; i++)
        {
            await PushAsync(seen, 20 + (i * 40));
        }

        await tail.DisposeAsync();
        for (var i = 0; i < 4; i++)
        {
            await PushAsync(seen, 150 + (i * 20));
        }

        await PushAsync(late, 90); // no result of its own yet: the whole model runs here once
        await PushAsync(late, 120); // now it has one to reuse
        await pipeline.StopAsync(CancellationToken.None);

        var rows = await Pipeline.PipelineRig.Stored(outbox);
        bool Cached(JsonElement r) => r.GetProperty("cached").GetBoolean();
        string Camera(JsonElement r) => r.GetProperty("camera").GetString()!;
        Assert.Equal(9, rows.Count);
        Assert.Equal([false, false, false, true, true, true, true], rows.Where(r => Camera(r) == "seen").Select(Cached));
        Assert.Equal([false, true], rows.Where(r => Camera(r) == "late").Select(Cached));
        Assert.Equal(3, head.Status.RemoteFrames);
        Assert.Equal(1, head.Status.LocalFrames);
        Assert.Equal(5, head.Status.CachedFrames);
        Assert.Equal("degraded", head.Status.Mode);
    }

    private static Frame Frame(byte level, long sequence)
    {
        var pixels = new byte[32 * 24 * 3];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(level + (i % 97));
        }

        return Core.Frame.Copy(sequence, DateTimeOffset.UnixEpoch.AddSeconds(sequence), 32, 24, FrameFormat.Rgb24, pixels);
    }

    /// <summary>The head board: its link to the tail (started like the node starts it) and its engine.</summary>
    private sealed class HeadSide : IAsyncDisposable
    {
        private readonly SplitLink _link;
        private readonly OnnxInferenceEngine _local;
        private readonly OnnxInferenceEngine _head;

        private HeadSide(SplitLink link, OnnxInferenceEngine local, OnnxInferenceEngine head, SplitHeadEngine engine, SplitStatus status)
        {
            _link = link;
            _local = local;
            _head = head;
            Engine = engine;
            Status = status;
        }

        public SplitHeadEngine Engine { get; }

        public SplitStatus Status { get; }

        public static async Task<HeadSide> StartAsync(SplitModels models, string peer, string activation, int deadlineMs = 30_000, string fallback = SplitOptions.LocalFallback)
        {
            var cut = SplitCut.Load(models.CutFolder);
            var options = new SplitOptions { Role = "head", Peer = peer, Cut = models.CutFolder, Activation = activation, DeadlineMs = deadlineMs, MaxInFlight = 3, Fallback = fallback };
            var status = new SplitStatus("head");
            var identity = new NodeIdentity("head1", new NodeTopics("edgenode", "head1"));
            var link = new SplitLink(cut, new SplitPeers(peer, cut.Manifest.TailSha256!), status, Options.Create(options), identity, TimeProvider.System, NullLogger<SplitLink>.Instance);
            var local = models.LoadWhole();
            var head = models.LoadHead();
            await link.StartAsync(CancellationToken.None);
            return new HeadSide(link, local, head, new SplitHeadEngine(local, head, cut, link, status, options, NullLogger.Instance), status);
        }

        public async ValueTask DisposeAsync()
        {
            await _link.StopAsync(CancellationToken.None);
            _link.Dispose();
            _local.Dispose();
            _head.Dispose();
        }
    }
}
