using System.Net.Http;
using EdgeNode.Hosting;
using EdgeNode.Messaging;
using EdgeNode.Split;
using EdgeNode.Split.Wire;
using EdgeNode.Testing;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeNode.Tests.Split;

/// <summary>Mutual TLS with the MQTT certificates, and the deadline: a tail that does not answer costs no frame.</summary>
public sealed class SplitSecurityTests
{
    [Fact]
    public async Task MutualTls_HeadWithTheFleetsCertificateStreams_AClientWithoutOneIsRefused()
    {
        using var models = SplitModels.Create();
        using var pki = new TestPki(models.Dir.File("pki"));
        var tailCert = pki.IssueServer("127.0.0.1", "localhost");
        var headCert = pki.IssueClient("head1");
        await using var tail = await TailHost.StartAsync(models.CutFolder, FreePort.Next(), extra: new Dictionary<string, string?>
        {
            ["EdgeNode:Mqtt:Tls:CaFile"] = pki.CaFile,
            ["EdgeNode:Mqtt:Tls:CertFile"] = tailCert.CertFile,
            ["EdgeNode:Mqtt:Tls:KeyFile"] = tailCert.KeyFile,
        });
        Assert.StartsWith("https://", tail.Url, StringComparison.Ordinal);
        var cut = SplitCut.Load(models.CutFolder);

        using var tls = SplitTls.Load(new MqttTlsOptions { CaFile = pki.CaFile, CertFile = headCert.CertFile, KeyFile = headCert.KeyFile });

        // Without a client certificate the handshake fails: no frame is taken.
        using (var handler = new SocketsHttpHandler())
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => tls.Trusts(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2);
            using var channel = GrpcChannel.ForAddress(tail.Url, new GrpcChannelOptions { HttpHandler = handler });
            var refused = await Assert.ThrowsAsync<RpcException>(() => new SplitTail.SplitTailClient(channel).HelloAsync(new HelloRequest { ModelSha256 = cut.Manifest.ModelSha256, TailSha256 = cut.Manifest.TailSha256 }).ResponseAsync);
            // TLS 1.3 reports the missing certificate after the client finished its handshake: unavailable or internal.
            Assert.True(refused.StatusCode is StatusCode.Unavailable or StatusCode.Internal, refused.ToString());
        }

        // The head presents its own certificate of the same CA and trusts the tail's: it streams.
        var status = new SplitStatus("head");
        var options = Options.Create(new SplitOptions { Role = "head", Peer = tail.Url, Cut = models.CutFolder });
        using var link = new SplitLink(cut, new SplitPeers(tail.Url, cut.Manifest.TailSha256!), status, options, new NodeIdentity("head1", new NodeTopics("edgenode", "head1")), TimeProvider.System, NullLogger<SplitLink>.Instance, tls);
        await link.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => status.Mode == "active", "the head streams over mutual TLS");
        using var whole = models.LoadWhole();
        using var head = models.LoadHead();
        var engine = new SplitHeadEngine(whole, head, cut, link, status, new SplitOptions { MaxInFlight = 2 }, NullLogger.Instance);
        using var frame = Core.Frame.Copy(1, DateTimeOffset.UnixEpoch, 16, 16, Core.FrameFormat.Rgb24, new byte[16 * 16 * 3]);
        await engine.EmbedAsync(frame, new float[16], canReuse: false, CancellationToken.None);
        Assert.Equal(1, status.RemoteFrames);
        Assert.Equal(1, tail.Status.TailFrames);
        await link.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Deadline_TailThatNeverAnswers_EveryFrameRunsLocallyAndTheHeadDegrades()
    {
        using var models = SplitModels.Create();
        var port = FreePort.Next();
        await using var stalled = await StalledTail.StartAsync(port);
        var cut = SplitCut.Load(models.CutFolder);
        var status = new SplitStatus("head");
        var peer = $"http://127.0.0.1:{port}";
        var options = Options.Create(new SplitOptions { Role = "head", Peer = peer, Cut = models.CutFolder, DeadlineMs = 200 });
        using var link = new SplitLink(cut, new SplitPeers(peer, cut.Manifest.TailSha256!), status, options, new NodeIdentity("head1", new NodeTopics("edgenode", "head1")), TimeProvider.System, NullLogger<SplitLink>.Instance);
        await link.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => status.Mode == "active", "the head opened a stream to the stalled tail");
        using var whole = models.LoadWhole();
        using var head = models.LoadHead();
        var engine = new SplitHeadEngine(whole, head, cut, link, status, new SplitOptions { MaxInFlight = 2 }, NullLogger.Instance);

        using var frame = Core.Frame.Copy(1, DateTimeOffset.UnixEpoch, 16, 16, Core.FrameFormat.Rgb24, new byte[16 * 16 * 3]);
        var split = new float[16];
        var local = new float[16];
        await engine.EmbedAsync(frame, split, canReuse: false, CancellationToken.None);
        whole.Embed(frame, local);

        Assert.Equal(local, split);
        Assert.Equal(1, status.LocalFrames);
        Assert.Equal(0, status.RemoteFrames);
        Assert.True(stalled.Received >= 1, "the frame reached the tail, which never answered");
        await Eventually.TrueAsync(() => status.Reason?.Contains("did not answer within 200 ms", StringComparison.Ordinal) == true || (status.Reason?.Contains("closed", StringComparison.Ordinal) == true), "the head says why it degraded");
        await link.StopAsync(CancellationToken.None);
    }

    /// <summary>A tail that accepts the stream and reads every frame but never answers: a board stuck mid-inference.</summary>
    private sealed class StalledTail(WebApplication app, FrameCount count) : IAsyncDisposable
    {
        public long Received => count.Value;

        public static async Task<StalledTail> StartAsync(int port)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            var count = new FrameCount();
            builder.Services.AddSingleton(count);
            var app = builder.Build();
            app.MapGrpcService<StalledService>();
            await app.StartAsync();
            return new StalledTail(app, count);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private sealed class FrameCount
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Add() => Interlocked.Increment(ref _value);
    }

    private sealed class StalledService(FrameCount count, IHostApplicationLifetime lifetime) : SplitTail.SplitTailBase
    {
        public override Task<HelloReply> Hello(HelloRequest request, ServerCallContext context) => Task.FromResult(new HelloReply { Node = "stalled" });

        public override async Task Infer(IAsyncStreamReader<Activation> requestStream, IServerStreamWriter<Embedding> responseStream, ServerCallContext context)
        {
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
            try
            {
                while (await requestStream.MoveNext(ended.Token))
                {
                    count.Add();
                }
            }
            catch (OperationCanceledException)
            {
                // the head gave up on the stream, or the test ends
            }
        }
    }
}
