using System.Runtime.InteropServices;
using EdgeNode.Compression;
using EdgeNode.Inference;
using EdgeNode.Split.Wire;
using Google.Protobuf;
using Grpc.Core;

namespace EdgeNode.Split;

/// <summary>
/// The tail's gRPC service in the node's Kestrel host: each head holds one bidirectional stream and gets one
/// <see cref="Embedding"/> per <see cref="Activation"/>, in order. A stream is served one frame at a time, so a slow
/// tail pushes back on its heads through HTTP/2 flow control; frames for another model are refused
/// (<see cref="StatusCode.FailedPrecondition"/>, naming both hashes).
/// </summary>
internal sealed class SplitTailService(TailModel tail, SplitStatus status, NodeIdentity identity, IHostApplicationLifetime lifetime, ILogger<SplitTailService> logger) : Wire.SplitTail.SplitTailBase
{
    public override Task<HelloReply> Hello(HelloRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Refuse(request.ModelSha256, request.TailSha256, request.Node);
        return Task.FromResult(new HelloReply { Node = identity.NodeId, Cut = tail.Cut.Name, Streams = status.Streams });
    }

    public override async Task Infer(IAsyncStreamReader<Activation> requestStream, IServerStreamWriter<Embedding> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var session = tail.Session;
        var activation = new float[session?.InputLength ?? 0];
        var output = new float[tail.OutputLength];
        var reply = new byte[output.Length * sizeof(float)];
        var peer = context.Peer;

        // A stopping node ends its streams at once (the heads fall back and reconnect) rather than holding Kestrel's stop.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var token = ended.Token;
        status.StreamOpened();
        NodeLog.SplitStreamOpened(logger, peer, status.Streams);
        try
        {
            while (await requestStream.MoveNext(token))
            {
                var frame = requestStream.Current;
                Refuse(frame.ModelSha256, frame.TailSha256, peer);
                if (tail.Whole is { } whole)
                {
                    if (RunJpeg(whole, frame, output) is { } error)
                    {
                        // Bad data for this one frame (undecodable, over the pixel limit): the head is told and runs
                        // it locally; the stream and the next frames go on.
                        NodeLog.SplitFrameRejected(logger, peer, frame.Seq, error);
                        await responseStream.WriteAsync(new Embedding { Seq = frame.Seq, Error = error }, token);
                        continue;
                    }
                }
                else
                {
                    Decode(frame, activation);
                    try
                    {
                        session!.Run(activation, output);
                    }
                    catch (CompressionException ex)
                    {
                        throw new RpcException(new Status(StatusCode.Internal, ex.Message));
                    }
                }

                // Little-endian float32 on every board the node runs on (x64, arm64); the write serializes the reply, so
                // one buffer per stream serves every frame.
                MemoryMarshal.AsBytes(output.AsSpan()).CopyTo(reply);
                await responseStream.WriteAsync(new Embedding { Seq = frame.Seq, Values = UnsafeByteOperations.UnsafeWrap(reply) }, token);
                status.CountTail();
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The head went away or the node stops: the stream ends here.
        }
        finally
        {
            status.StreamClosed();
            NodeLog.SplitStreamClosed(logger, peer, status.Streams);
        }
    }

    private void Refuse(string modelSha256, string tailSha256, string from)
    {
        if (tail.Refusal(modelSha256, tailSha256) is { } refusal)
        {
            NodeLog.SplitRefused(logger, from, refusal);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, refusal));
        }
    }

    /// <summary>JPEG offload: decodes the frame with the model's own pre-processing and runs the whole model; why not, or null.</summary>
    private static string? RunJpeg(OnnxInferenceEngine whole, Activation frame, float[] output)
    {
        if (frame.Encoding != Encoding.Jpeg)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Frame {frame.Seq}: a {frame.Encoding} activation, but this tail offloads JPEG frames (split.json kind jpeg); give both boards the same split.json."));
        }

        if (frame.Data.IsEmpty)
        {
            return $"Frame {frame.Seq}: an empty JPEG.";
        }

        using var image = Frame.Copy(frame.Seq, DateTimeOffset.UtcNow, 0, 0, FrameFormat.Jpeg, frame.Data.Span);
        try
        {
            whole.Embed(image, output);
            return null;
        }
        catch (InvalidDataException ex)
        {
            return $"Frame {frame.Seq}: {ex.Message}";
        }
    }

    private void Decode(Activation frame, float[] activation)
    {
        var cut = tail.Cut;
        var data = frame.Data.Span;
        if (frame.Encoding == Encoding.Jpeg)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Frame {frame.Seq}: a JPEG frame, but this tail runs the half after '{cut.Activation.Tensor}'; give both boards the same split.json."));
        }

        var expected = frame.Encoding == Encoding.Fp32 ? activation.Length * sizeof(float) : activation.Length;
        if (data.Length != expected)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Frame {frame.Seq}: {data.Length} bytes of {frame.Encoding} activation; '{cut.Activation.Tensor}' needs {expected}."));
        }

        if (frame.Encoding == Encoding.Fp32)
        {
            MemoryMarshal.Cast<byte, float>(data).CopyTo(activation);
        }
        else
        {
            Compression.Split.ActivationCodec.Dequantize(data, cut.Scale, cut.ZeroPoint, activation);
        }
    }
}
