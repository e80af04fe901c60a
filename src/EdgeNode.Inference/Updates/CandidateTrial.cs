using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Inference.Updates;

/// <summary>
/// The trial a candidate model passes before it is swapped in: it loads, warms up, and agrees with the running model
/// on cached frames (<see cref="ShadowRun"/>). Each failure is the <see cref="ModelUpdateException"/> the operator sees.
/// </summary>
internal sealed class CandidateTrial(InstalledModels store, UpdateChecks checks, ILastFrame frames, IEmbeddingClassifier head, int warmupRuns, ILogger logger)
{
    /// <summary>Loads and warms up <paramref name="target"/>; on failure runs <paramref name="discard"/> (the files go) and throws.</summary>
    /// <exception cref="ModelUpdateException"><c>load_failed</c> or <c>warmup_failed</c>.</exception>
    public OnnxInferenceEngine Load(ModelRef target, Action discard)
    {
        OnnxInferenceEngine candidate;
        try
        {
            candidate = store.Load(target, warmUp: false);
        }
        catch (Exception ex) when (ex is ModelLoadException or ModelUpdateException or IOException)
        {
            discard();
            throw new ModelUpdateException(ModelUpdateErrors.LoadFailed, ex.Message, ex);
        }

        try
        {
            candidate.WarmUp(warmupRuns);
            return candidate;
        }
        catch (ModelLoadException ex)
        {
            candidate.Dispose();
            discard();
            throw new ModelUpdateException(ModelUpdateErrors.WarmupFailed, ex.Message, ex);
        }
    }

    /// <summary>Compares <paramref name="candidate"/> with <paramref name="current"/> on the cached frames, through the head in use.</summary>
    /// <exception cref="ModelUpdateException"><c>shadow_rejected</c>.</exception>
    public ShadowReport Shadow(IInferenceEngine current, OnnxInferenceEngine candidate)
    {
        var recent = frames.CopyRecent();
        ShadowReport report;
        try
        {
            report = ShadowRun.Compare(current, candidate, recent, head);
        }
        finally
        {
            foreach (var frame in recent)
            {
                frame.Dispose();
            }
        }

        Log.ShadowRun(logger, candidate.Model.Id, report.Frames, report.MeanCosine ?? double.NaN, report.HeadAgreement ?? double.NaN);
        checks.Shadow(report);
        return report;
    }
}
