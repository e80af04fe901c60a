using EdgeNode.Compression;
using EdgeNode.Compression.Split;

namespace EdgeNode.Split;

/// <summary>The tail half this node serves (<c>EdgeNode__Split__Role=tail</c>): the cut and its loaded session.</summary>
internal sealed class TailModel : IDisposable
{
    private TailModel(SplitCut cut, TailSession session)
    {
        Cut = cut;
        Session = session;
    }

    /// <summary>The cut, from split.json.</summary>
    public SplitCut Cut { get; }

    /// <summary>tail.onnx, loaded and warmed up.</summary>
    public TailSession Session { get; }

    /// <summary>Loads the cut's tail, checking its hash.</summary>
    /// <exception cref="ArgumentException">The tail cannot be loaded (names <c>EdgeNode:Split:Cut</c>; the node exits 78).</exception>
    public static TailModel Load(SplitCut cut, int threads)
    {
        ArgumentNullException.ThrowIfNull(cut);
        try
        {
            return new TailModel(cut, TailSession.Open(cut.Folder, cut.Manifest, threads));
        }
        catch (CompressionException ex)
        {
            throw new ArgumentException($"{SplitOptions.Section}:Cut (EdgeNode__Split__Cut): {ex.Message}", ex);
        }
    }

    /// <summary>Why frames for <paramref name="modelSha256"/>/<paramref name="tailSha256"/> are refused here; null when this tail holds them.</summary>
    public string? Refusal(string modelSha256, string tailSha256)
    {
        var m = Cut.Manifest;
        return string.Equals(modelSha256, m.ModelSha256, StringComparison.OrdinalIgnoreCase) && string.Equals(tailSha256, m.TailSha256, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"This tail holds model {m.ModelSha256} cut at '{m.Cut!.Tensor}' (tail {m.TailSha256}); the frames are for model {Show(modelSha256)} (tail {Show(tailSha256)}). Give both boards the same split.json (edgenode split).";
    }

    public void Dispose() => Session.Dispose();

    private static string Show(string sha) => string.IsNullOrEmpty(sha) ? "(none)" : sha;
}
