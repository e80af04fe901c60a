using EdgeNode.Learning;

namespace EdgeNode.Pipeline;

/// <summary>
/// Frames that were waiting together (from one camera or several), run as one batch on a pool thread through
/// <see cref="IInferenceEngine.EmbedBatch"/>; each job's embedding is copied out of the batch's buffer. A frame the
/// batch cannot pre-process does not cost the others their result: the batch runs again frame by frame and only that
/// job gets the error. Reused from batch to batch by <see cref="FrameProcessor"/>.
/// </summary>
internal sealed class FrameBatch
{
    private readonly List<FrameJob> _jobs = [];
    private readonly List<Frame> _inputs = [];
    private readonly Func<ModelInfo> _run;
    private readonly IInferenceEngine _engine;
    private readonly InferenceActivity _inference;
    private float[] _embeddings = [];

    public FrameBatch(IInferenceEngine engine, InferenceActivity inference)
    {
        _engine = engine;
        _inference = inference;
        _run = Run; // one delegate per batch object, not one closure per batch
    }

    /// <summary>Takes <paramref name="jobs"/> (each with an <see cref="FrameJob.Input"/>) and starts them on a pool thread.</summary>
    public Task<ModelInfo> Start(IReadOnlyList<FrameJob> jobs)
    {
        _jobs.Clear();
        _inputs.Clear();
        foreach (var job in jobs)
        {
            _jobs.Add(job);
            _inputs.Add(job.Input!);
        }

        return Task.Run(_run);
    }

    private ModelInfo Run()
    {
        _inference.Begin();
        try
        {
            var size = _engine.Model.EmbeddingSize;
            if (_embeddings.Length < _jobs.Count * size)
            {
                _embeddings = new float[_jobs.Count * size];
            }

            ModelInfo model;
            try
            {
                model = _engine.EmbedBatch(_inputs, _embeddings);
            }
            catch (InvalidDataException)
            {
                return OneByOne();
            }

            for (var i = 0; i < _jobs.Count; i++)
            {
                _embeddings.AsSpan(i * model.EmbeddingSize, model.EmbeddingSize).CopyTo(_jobs[i].Embedding);
            }

            return model;
        }
        finally
        {
            _inference.End();
        }
    }

    private ModelInfo OneByOne()
    {
        var model = _engine.Model;
        foreach (var job in _jobs)
        {
            try
            {
                model = _engine.Embed(job.Input!, job.Embedding);
            }
            catch (InvalidDataException ex)
            {
                job.Error = ex.Message;
            }
        }

        return model;
    }
}
