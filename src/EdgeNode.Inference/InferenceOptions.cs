using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Inference;

/// <summary>Options bound from <c>EdgeNode:Inference</c>.</summary>
public sealed class InferenceOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Inference";

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

    /// <summary>Intra-op threads of the session; 0 lets ONNX Runtime use one per core.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>Runs to warm the session up at load.</summary>
    [Range(0, 100)]
    public int WarmupRuns { get; set; } = 2;
}
