using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Pipeline;

/// <summary><c>EdgeNode:Prediction</c>: how a head's answer becomes a result's label (a run-time setting).</summary>
public sealed class PredictionOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Prediction";

    /// <summary>The label of a result whose confidence is below <see cref="UnknownBelow"/>.</summary>
    public const string Unknown = "unknown";

    /// <summary>
    /// <c>EdgeNode__Prediction__UnknownBelow</c>: a prediction less confident than this is reported as <c>unknown</c>
    /// (its confidence kept), rather than as the nearest class. 0 (default) always names a class, 1 never does.
    /// </summary>
    [Range(0.0, 1.0)]
    public double UnknownBelow { get; set; }
}
