using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Inference;

/// <summary>Options bound from <c>EdgeNode:Inference</c>.</summary>
public sealed class InferenceOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Inference";

    /// <summary>The <see cref="IntraOpThreads"/> value that tunes the thread count at load.</summary>
    public const string Auto = "auto";

    /// <summary>Directory holding <c>manifest.json</c> and the model files; relative paths are resolved against the executable's directory.</summary>
    [Required]
    public string ModelsPath { get; set; } = "models";

    /// <summary>Manifest id of the backbone to load; empty picks the first entry whose file is present (int8 is listed first).</summary>
    public string? Model { get; set; }

    /// <summary>The provider order used when <see cref="Providers"/> is empty.</summary>
    public static IReadOnlyList<string> DefaultProviders { get; } = ["TensorRT", "CUDA", "CPU"];

    /// <summary>
    /// Execution providers in order of preference (<c>EdgeNode__Inference__Providers__0=CUDA</c>, …); each one
    /// missing on this board is skipped with one log line. Empty means <see cref="DefaultProviders"/>.
    /// (Empty by default because configuration binding appends to a pre-filled list.)
    /// </summary>
    public IList<string> Providers { get; set; } = [];

    /// <summary>The providers to try, in order.</summary>
    public IReadOnlyList<string> EffectiveProviders => Providers.Count > 0 ? [.. Providers] : DefaultProviders;

    /// <summary>
    /// Intra-op threads of the session: <c>auto</c> (default) times 1…cores threads at load and keeps the fastest (on
    /// shared or hyper-threaded CPUs one thread often beats two); a number fixes it; 0 lets ONNX Runtime use one per core.
    /// </summary>
    [RegularExpression("^(?i)(auto|[0-9]{1,3})$", ErrorMessage = "must be 'auto' or a thread count (0 = one per core).")]
    public string IntraOpThreads { get; set; } = Auto;

    /// <summary>The fixed thread count, or null for <c>auto</c>.</summary>
    public int? FixedThreads => string.Equals(IntraOpThreads.Trim(), Auto, StringComparison.OrdinalIgnoreCase)
        ? null
        : int.Parse(IntraOpThreads, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Most frames one run takes when the model has a dynamic batch dimension (frames waiting together, from one camera
    /// or several, run as one batch); 1 runs every frame alone. A model with a fixed batch of 1 always runs one at a time.
    /// </summary>
    [Range(1, 64)]
    public int MaxBatch { get; set; } = 8;

    /// <summary>Runs to warm the session up at load.</summary>
    [Range(0, 100)]
    public int WarmupRuns { get; set; } = 2;
}
