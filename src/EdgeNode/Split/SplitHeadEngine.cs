using System.Buffers;

namespace EdgeNode.Split;

/// <summary>
/// The head board's engine (<c>EdgeNode__Split__Role=head</c>): pre-processing and the head half here, the tail half
/// on the tail board over <see cref="SplitLink"/>. The pipeline keeps up to <see cref="MaxInFlight"/> frames
/// outstanding, so the head runs frame n+1 while the tail finishes frame n, and consumes them in start order (results
/// stay in order per camera). A frame the tail cannot finish (no stream, the stream broke, past the deadline) runs the
/// whole model here instead: every frame gets exactly one embedding, from the tail or from <paramref name="local"/>;
/// with <c>EdgeNode__Split__Fallback=cached</c> a camera that already has a result reuses it instead (the frame path
/// marks it <c>cached</c>), for a head board too weak to run the whole model at the camera's rate.
/// </summary>
/// <param name="local">The whole model (the node's own engine, swappable by model updates).</param>
/// <param name="head">head.onnx behind the node's pre-processing: its "embedding" is the cut activation. Null for JPEG
/// offload (<c>kind: jpeg</c>): the frame crosses as JPEG (an RGB frame encoded at EdgeNode__Split__JpegQuality) and
/// the tail runs the whole model; a frame the tail cannot decode runs here, where it fails as it would locally.</param>
/// <param name="cut">split.json.</param>
/// <param name="link">The stream to the tail.</param>
/// <param name="status">Counts frames split and local.</param>
/// <param name="options">EdgeNode__Split__MaxInFlight and EdgeNode__Split__Fallback.</param>
/// <param name="logger">For a model that no longer matches the cut.</param>
internal sealed class SplitHeadEngine(IInferenceEngine local, IInferenceEngine? head, SplitCut cut, SplitLink link, SplitStatus status, SplitOptions options, ILogger logger) : IPipelinedInferenceEngine
{
    private int _mismatchLogged;

    /// <inheritdoc />
    public ModelInfo Model => local.Model;

    /// <inheritdoc />
    public int MaxInFlight => options.MaxInFlight;

    /// <summary>The synchronous path (snapshots, tools): the whole model here.</summary>
    public ModelInfo Embed(Frame frame, Span<float> embedding)
    {
        var model = local.Embed(frame, embedding);
        status.CountLocal();
        return model;
    }

    /// <inheritdoc />
    public async Task<ModelInfo> EmbedAsync(Frame frame, Memory<float> embedding, bool canReuse, CancellationToken cancellationToken)
    {
        var model = local.Model;
        if (head is null && link.Stream is { } jpegStream && Matches(model))
        {
            if (await jpegStream.InferJpegAsync(frame, embedding[..model.EmbeddingSize], cancellationToken).ConfigureAwait(false))
            {
                status.CountRemote();
                return model;
            }
        }
        else if (head is not null && link.Stream is { } stream && Matches(model))
        {
            var activation = ArrayPool<float>.Shared.Rent(cut.Elements);
            try
            {
                await Task.Run(() => head.Embed(frame, activation.AsSpan(0, cut.Elements)), CancellationToken.None).ConfigureAwait(false);
                if (await stream.InferAsync(activation.AsMemory(0, cut.Elements), embedding[..model.EmbeddingSize], cancellationToken).ConfigureAwait(false))
                {
                    status.CountRemote();
                    return model;
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(activation);
            }
        }

        if (options.FallsBackToCached && canReuse && local.Model == model)
        {
            // The frame path gives this frame its camera's last result; a camera without one, or a frame that was out
            // across a model swap (the last result is of the old model), runs the whole model below.
            status.CountCached();
            throw new RemoteInferenceUnavailableException();
        }

        // Not cancellable: a frame that was started gets its result, even while the node stops.
        var used = await Task.Run(() => local.Embed(frame, embedding.Span), CancellationToken.None).ConfigureAwait(false);
        status.CountLocal();
        return used;
    }

    private bool Matches(ModelInfo model)
    {
        if (string.Equals(model.Sha256, cut.Manifest.ModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (Interlocked.Exchange(ref _mismatchLogged, 1) == 0)
        {
            NodeLog.SplitModelMismatch(logger, $"{model.Id} ({model.Sha256})", cut.Manifest.ModelSha256);
        }

        return false;
    }
}
