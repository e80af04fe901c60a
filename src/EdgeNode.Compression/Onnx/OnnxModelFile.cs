using EdgeNode.Common;
using Google.Protobuf;

namespace EdgeNode.Compression.Onnx;

/// <summary>Reads ONNX files into protobuf objects and writes them atomically (temporary file, flush, rename).</summary>
internal static class OnnxModelFile
{
    public static ModelProto Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException($"Cannot read the model '{path}': {ex.Message}", ex);
        }

        return Parse(bytes, path);
    }

    public static ModelProto Parse(byte[] bytes, string source)
    {
        if (bytes.Length == 0)
        {
            throw new CompressionException($"'{source}' is empty, not an ONNX model.");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new CompressionException($"'{source}' is not an ONNX model or is truncated ({ex.Message}).", ex);
        }

        // Protobuf accepts many byte strings as a valid (mostly empty) message; an ONNX model must have
        // an IR version, an opset and a graph with at least one node, input and output.
        if (model.IrVersion <= 0 || model.OpsetImport.Count == 0 || model.Graph is null
            || model.Graph.Node.Count == 0 || model.Graph.Input.Count == 0 || model.Graph.Output.Count == 0)
        {
            throw new CompressionException($"'{source}' is not an ONNX model (no IR version, opset or graph).");
        }

        foreach (var tensor in model.Graph.Initializer)
        {
            if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            {
                throw new CompressionException($"'{source}' keeps tensor '{tensor.Name}' in an external data file; only self-contained models are supported.");
            }
        }

        return model;
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> so that the path holds either the old file or the complete new one.</summary>
    public static void WriteAtomic(string path, byte[] bytes)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new CompressionException($"The output folder '{directory}' does not exist.");
        }

        try
        {
            AtomicFile.Write(full, bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CompressionException($"Cannot write '{full}': {ex.Message}", ex);
        }
    }
}
