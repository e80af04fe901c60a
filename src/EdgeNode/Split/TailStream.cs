using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using EdgeNode.Compression.Split;
using EdgeNode.Split.Wire;
using Google.Protobuf;
using Grpc.Core;

namespace EdgeNode.Split;

/// <summary>
/// One open bidirectional stream to a tail: frames are numbered, written one at a time (HTTP/2 flow control holds a
/// writer back when the tail falls behind) and matched to the replies the reader takes off the stream. The stream
/// closes, once, on the first failure, on a frame past its deadline or on disposal; every frame still waiting then
/// gets <c>false</c>, and whoever removed a frame from <see cref="_pending"/> owns its embedding buffer.
/// </summary>
internal sealed class TailStream : IDisposable
{
    private readonly AsyncDuplexStreamingCall<Activation, Embedding> _call;
    private readonly CancellationTokenSource _cancel;
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SplitCut _cut;
    private readonly bool _int8;
    private readonly TimeSpan _deadline;
    private readonly TimeProvider _time;
    private readonly int _jpegQuality;
    private readonly SplitStatus? _status;
    private long _seq;
    private int _closing;

    public TailStream(Func<CancellationToken, AsyncDuplexStreamingCall<Activation, Embedding>> open, SplitCut cut, bool int8, TimeSpan deadline, TimeProvider time, int jpegQuality = 85, SplitStatus? status = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        _cancel = new CancellationTokenSource();
        _call = open(_cancel.Token);
        _cut = cut;
        _int8 = int8;
        _deadline = deadline;
        _time = time;
        _jpegQuality = jpegQuality;
        _status = status;
        _ = ReadAsync();
    }

    /// <summary>The tail's last per-frame error (JPEG offload: a frame it could not decode), or null.</summary>
    public string? LastFrameError { get; private set; }

    /// <summary>Completes with the reason once the stream is closed.</summary>
    public Task<string> Closed => _closed.Task;

    /// <summary>
    /// Sends <paramref name="activation"/> and waits up to the deadline for the tail's answer, written into
    /// <paramref name="embedding"/>. False when the frame must run locally: the stream closed, the tail answered late
    /// (the stream is closed then too) or <paramref name="cancellationToken"/> was cancelled.
    /// </summary>
    public Task<bool> InferAsync(ReadOnlyMemory<float> activation, Memory<float> embedding, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_int8 ? activation.Length : activation.Length * sizeof(float));
        return SendAndWaitAsync(seq => Encode(seq, activation.Span, buffer), buffer, embedding, cancellationToken);
    }

    /// <summary>
    /// JPEG offload: sends <paramref name="frame"/> encoded (a JPEG frame's own bytes, an RGB frame encoded at
    /// EdgeNode__Split__JpegQuality) and waits as <see cref="InferAsync"/> does. False also when the tail could not run
    /// this one frame (it answered an error; the stream stays open).
    /// </summary>
    /// <exception cref="InvalidDataException">An RGB frame that cannot be encoded (its size does not match its bytes).</exception>
    public Task<bool> InferJpegAsync(Frame frame, Memory<float> embedding, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        byte[] buffer;
        int length;
        if (frame.Format == FrameFormat.Jpeg)
        {
            length = frame.Length;
            buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
            frame.Data.CopyTo(buffer);
        }
        else
        {
            (buffer, length) = JpegFrames.Encode(frame, _jpegQuality);
        }

        return SendAndWaitAsync(seq => Message(seq, Encoding.Jpeg, buffer, length), buffer, embedding, cancellationToken);
    }

    private async Task<bool> SendAndWaitAsync(Func<long, Activation> encode, byte[] buffer, Memory<float> embedding, CancellationToken cancellationToken)
    {
        var seq = Interlocked.Increment(ref _seq);
        var pending = new Pending(embedding);
        _pending[seq] = pending;
        if (Volatile.Read(ref _closing) != 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return !_pending.TryRemove(seq, out _) && await pending.Task.ConfigureAwait(false);
        }

        _ = SendAsync(encode(seq), buffer);
        try
        {
            return await pending.Task.WaitAsync(_deadline, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            if (!_pending.TryRemove(seq, out _))
            {
                // The reader took the answer first and completes the frame right after copying it.
                return await pending.Task.ConfigureAwait(false);
            }

            if (ex is TimeoutException)
            {
                Close($"the tail did not answer within {_deadline.TotalMilliseconds:F0} ms (EdgeNode__Split__DeadlineMs)");
            }

            return false;
        }
    }

    /// <summary>Closes the stream (the reason is kept from the first close).</summary>
    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _closed.TrySetResult(reason);
        _cancel.Cancel();
        foreach (var seq in _pending.Keys)
        {
            if (_pending.TryRemove(seq, out var pending))
            {
                pending.TrySetResult(false);
            }
        }
    }

    public void Dispose()
    {
        Close("the stream was closed");
        _call.Dispose();
        _cancel.Dispose();
    }

    /// <summary>The frame's message over <paramref name="buffer"/> (pooled; returned once the message is written).</summary>
    private Activation Encode(long seq, ReadOnlySpan<float> activation, byte[] buffer)
    {
        int length;
        if (_int8)
        {
            length = activation.Length;
            ActivationCodec.Quantize(activation, _cut.Scale, _cut.ZeroPoint, buffer.AsSpan(0, length));
        }
        else
        {
            length = activation.Length * sizeof(float);
            MemoryMarshal.AsBytes(activation).CopyTo(buffer);
        }

        return Message(seq, _int8 ? Encoding.Int8 : Encoding.Fp32, buffer, length);
    }

    private Activation Message(long seq, Encoding encoding, byte[] buffer, int length)
    {
        var manifest = _cut.Manifest;
        return new Activation
        {
            Seq = seq,
            ModelSha256 = manifest.ModelSha256,
            TailSha256 = manifest.TailSha256,
            Encoding = encoding,
            Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, length)),
        };
    }

    private async Task SendAsync(Activation message, byte[] buffer)
    {
        try
        {
            await _write.WaitAsync(_cancel.Token).ConfigureAwait(false);
            try
            {
                await _call.RequestStream.WriteAsync(message, _cancel.Token).ConfigureAwait(false);
                _status?.CountSent(message.Data.Length);
            }
            finally
            {
                _write.Release();
            }
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            Close("sending to the tail failed: " + Describe(ex));
        }
        finally
        {
            // The write serialized the message (or never will): the buffer is free again.
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(_cancel.Token).ConfigureAwait(false))
            {
                var reply = _call.ResponseStream.Current;
                if (!_pending.TryRemove(reply.Seq, out var pending))
                {
                    continue; // answered after its deadline: that frame already ran locally
                }

                if (reply.Error.Length > 0)
                {
                    // The tail could not run this one frame (bad data): it runs here, and the stream goes on.
                    LastFrameError = reply.Error;
                    pending.TrySetResult(false);
                    continue;
                }

                var values = MemoryMarshal.Cast<byte, float>(reply.Values.Span);
                if (values.Length != pending.Target.Length)
                {
                    pending.TrySetResult(false);
                    Close($"the tail answered {values.Length} floats; the model gives {pending.Target.Length}");
                    return;
                }

                values.CopyTo(pending.Target.Span);
                pending.TrySetResult(true);
            }

            Close("the tail ended the stream");
        }
        catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            Close(Describe(ex));
        }
    }

    /// <summary>A gRPC status as an operator reads it: the code and the tail's own words.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => ex.Message,
    };

    private sealed class Pending(Memory<float> target) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public Memory<float> Target { get; } = target;
    }
}
