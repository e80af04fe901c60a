namespace EdgeNode.Inference.Updates;

/// <summary>How the health check of a swapped-in model ended.</summary>
public enum HealthOutcome
{
    /// <summary>Its first inferences all succeeded with finite embeddings; the previous model was released.</summary>
    Passed,

    /// <summary>One of its first inferences failed; the previous model is back.</summary>
    Failed,

    /// <summary>Another swap replaced it before the check ended.</summary>
    Superseded,
}
