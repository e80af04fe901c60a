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

    /// <summary>Execution providers in order of preference; each one missing on this board is skipped with one log line.</summary>
    [Required]
    [MinLength(1)]
    public IList<string> Providers { get; set; } = ["TensorRT", "CUDA", "CPU"];

    /// <summary>Intra-op threads of the session; 0 lets ONNX Runtime use one per core.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    /// <summary>Runs to warm the session up at load.</summary>
    [Range(0, 100)]
    public int WarmupRuns { get; set; } = 2;
}
