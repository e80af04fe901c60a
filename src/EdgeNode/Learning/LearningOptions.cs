using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Learning;

/// <summary>Options bound from <c>EdgeNode:Learning</c> (see docs/learning.md).</summary>
public sealed class LearningOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Learning";

    /// <summary>Directory of the versioned head files; empty means <c>heads/</c> next to the database.</summary>
    public string HeadsPath { get; set; } = string.Empty;

    /// <summary>Reservoir size per class in the sample store.</summary>
    [Range(1, 100_000)]
    public int ReplayPerClass { get; set; } = 200;

    /// <summary>
    /// <c>EdgeNode__Learning__MaxClasses</c>: the most classes the sample store holds; a label naming a new class past
    /// it is refused (<c>too_many_classes</c>). With <see cref="ReplayPerClass"/> it bounds the number of samples.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxClasses { get; set; } = 256;

    /// <summary>Accepted labels that trigger a background training run.</summary>
    [Range(1, 100_000)]
    public int RetrainAfterLabels { get; set; } = 10;

    /// <summary>Share of samples held out (by id) to validate and gate a new head.</summary>
    [Range(0.05, 0.5)]
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>A new head is accepted unless its validation accuracy is more than this below the active head's.</summary>
    [Range(0.0, 1.0)]
    public double GateMargin { get; set; } = 0.02;

    /// <summary>Longest label accepted.</summary>
    [Range(1, 256)]
    public int MaxLabelLength { get; set; } = 64;

    /// <summary>Sustained label rate accepted; faster labels are refused with <c>rate_limited</c>.</summary>
    [Range(0.1, 100_000)]
    public double LabelsPerMinute { get; set; } = 60;

    /// <summary>Labels accepted in a burst before the rate applies.</summary>
    [Range(1, 10_000)]
    public int LabelBurst { get; set; } = 20;

    /// <summary>Results whose embeddings are remembered for labelling.</summary>
    [Range(1, 100_000)]
    public int RecentResults { get; set; } = 1024;

    /// <summary>How long a result can be labelled after it was produced.</summary>
    [Range(1, 604_800)]
    public double ResultTimeToLiveSeconds { get; set; } = 900;

    /// <summary>
    /// <c>EdgeNode__Learning__Head</c>: <c>discriminant</c> (default; the shrunk linear discriminant of the labelled samples'
    /// exact statistics), <c>softmax</c> (Adam on the replay store, as before) or <c>discriminant+softmax</c> (the
    /// discriminant refined by Adam). See docs/learning.md.
    /// </summary>
    [RegularExpression("^(discriminant|softmax|discriminant\\+softmax)$", ErrorMessage = "The head must be 'discriminant', 'softmax' or 'discriminant+softmax'.")]
    public string Head { get; set; } = "discriminant";

    /// <summary>Hidden units of the head; 0 trains a logistic-regression head.</summary>
    [Range(0, 4096)]
    public int HiddenUnits { get; set; }

    /// <summary>Epochs per training run.</summary>
    [Range(1, 10_000)]
    public int Epochs { get; set; } = 40;

    /// <summary>Head versions kept on disk for rollback.</summary>
    [Range(2, 100)]
    public int KeepVersions { get; set; } = 5;

    /// <summary>
    /// <c>EdgeNode__Learning__StoreImages</c>: store each labelled sample's frame (JPEG) with its embedding, for review
    /// and relabelling. Off by default: it costs a JPEG encode per frame for RGB cameras and disk per sample.
    /// </summary>
    public bool StoreImages { get; set; }

    /// <summary>With <see cref="StoreImages"/>: how many of the last results keep their frame, i.e. how far back a label may name a result and still get its image.</summary>
    [Range(1, 1024)]
    public int RecentImages { get; set; } = 32;
}
