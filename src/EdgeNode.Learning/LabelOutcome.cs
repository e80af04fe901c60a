namespace EdgeNode.Learning;

/// <summary>The answer to a label command.</summary>
/// <param name="Ok">True when the label was accepted.</param>
/// <param name="ErrorCode">Machine-readable reason when not: <c>bad_request</c>, <c>invalid_label</c>, <c>unknown_result</c>, <c>invalid_embedding</c>, <c>rate_limited</c>.</param>
/// <param name="Message">Human-readable reason.</param>
/// <param name="ResultId">The labelled result.</param>
/// <param name="Stored">False when the class's reservoir kept its current samples instead.</param>
/// <param name="SampleId">The stored sample's id (to undo it), when stored.</param>
public sealed record LabelOutcome(bool Ok, string? ErrorCode = null, string? Message = null, string? ResultId = null, bool Stored = false, long? SampleId = null)
{
    /// <summary>A rejection.</summary>
    public static LabelOutcome Fail(string code, string message) => new(false, code, message);
}
