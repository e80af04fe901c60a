using EdgeNode.Split.Wire;
using Grpc.Core;
using Grpc.Net.Client;

namespace EdgeNode.Split;

/// <summary>
/// The head's connection to its tail: a loop that finds the tail (<see cref="SplitPeers"/>), checks with
/// <c>Hello</c> that it holds this head's tail model, opens the stream and, when the stream closes (tail gone, a
/// frame past the deadline, a refusal), marks the head degraded and tries again with back-off (0.1 s doubling to
/// 2 s), so split mode resumes within a few seconds of the tail's return.
/// </summary>
internal sealed class SplitLink(
    SplitCut cut,
    SplitPeers peers,
    SplitStatus status,
    IOptions<SplitOptions> options,
    NodeIdentity identity,
    TimeProvider time,
    ILogger<SplitLink> logger,
    SplitTls? tls = null) : BackgroundService
{
    private static readonly TimeSpan s_firstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_lastRetry = TimeSpan.FromSeconds(2);
    private const int MaxMessageBytes = 64 * 1024 * 1024;
    private volatile TailStream? _stream;

    /// <summary>The open stream, or null while degraded.</summary>
    public TailStream? Stream => _stream;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var retry = s_firstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            var peer = peers.Resolve();
            var reason = peer is null
                ? $"no tail announced for tail model {cut.Manifest.TailSha256} ({identity.Topics.Prefix}/+/split/tail)"
                : await StreamAsync(peer, o, stoppingToken).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            if (reason.Length == 0)
            {
                retry = s_firstRetry; // it streamed frames: the next failure starts the back-off afresh
            }
            else
            {
                var previous = status.Reason;
                status.Degrade(reason, peer);
                if (previous != reason)
                {
                    NodeLog.SplitDegraded(logger, status.Fallback, reason);
                }
            }

            try
            {
                await Task.Delay(retry, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, s_lastRetry.Ticks));
        }

        status.Degrade("the node is stopping", null);
        NodeLog.SplitStopped(logger, status.RemoteFrames, status.LocalFrames, status.CachedFrames);
        NodeLog.SplitSent(logger, status.SentBytes, status.SentFrames, cut.Name);
    }

    /// <summary>Streams to <paramref name="peer"/> until the stream closes; empty when frames went through it, else why not.</summary>
    private async Task<string> StreamAsync(string peer, SplitOptions o, CancellationToken stoppingToken)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(2),
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
        };
        if (tls is not null)
        {
            handler.SslOptions = tls.ClientOptions();
        }

        using var channel = GrpcChannel.ForAddress(peer, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = false,
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,
        });
        var client = new Wire.SplitTail.SplitTailClient(channel);
        try
        {
            var request = new HelloRequest { ModelSha256 = cut.Manifest.ModelSha256, TailSha256 = cut.Manifest.TailSha256, Node = identity.NodeId };
            await client.HelloAsync(request, deadline: time.GetUtcNow().UtcDateTime.AddSeconds(3), cancellationToken: stoppingToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
        {
            return $"the tail at {peer} {(ex.StatusCode == StatusCode.FailedPrecondition ? "refused" : "is not answering")}: {TailStream.Describe(ex)}";
        }
        catch (OperationCanceledException)
        {
            return "the node is stopping";
        }

        using var stream = new TailStream(token => client.Infer(cancellationToken: token), cut, o.Activation == "int8", TimeSpan.FromMilliseconds(o.DeadlineMs), time, o.JpegQuality, status);
        _stream = stream;
        status.Connected(peer);
        NodeLog.SplitConnected(logger, cut.Name, cut.IsJpeg ? $"jpeg (quality {o.JpegQuality})" : o.Activation, o.MaxInFlight, peer);
        var before = status.RemoteFrames;
        string reason;
        using (stoppingToken.Register(() => stream.Close("the node is stopping")))
        {
            reason = $"the stream to {peer} closed: {await stream.Closed.ConfigureAwait(false)}";
            _stream = null;
        }

        if (status.RemoteFrames == before)
        {
            return reason;
        }

        status.Degrade(reason, peer);
        NodeLog.SplitDegraded(logger, status.Fallback, reason);
        return string.Empty;
    }
}
