namespace EdgeNode.Compression.Inputs;

/// <summary>One graph input of a model as its file declares it (initializers excluded).</summary>
/// <param name="Name">Input name.</param>
/// <param name="ElementType">ONNX element type (<see cref="TensorProto.Types.DataType"/>).</param>
/// <param name="Dims">Dimensions; -1 where the model leaves a dimension open.</param>
/// <param name="Symbols">The symbolic name of each open dimension (<c>batch</c>, <c>sequence</c>), null where none.</param>
internal sealed record ModelInput(string Name, int ElementType, long[] Dims, string?[] Symbols)
{
    /// <summary>The inputs a caller must feed, in graph order.</summary>
    public static IReadOnlyList<ModelInput> Of(ModelProto model)
    {
        var initializers = new HashSet<string>(model.Graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        return [.. model.Graph.Input.Where(i => !initializers.Contains(i.Name)).Select(i =>
        {
            var tensor = i.Type?.TensorType ?? throw new CompressionException($"Input '{i.Name}' is not a tensor; only tensor inputs are supported.");
            var dims = tensor.Shape?.Dim.ToArray() ?? [];
            return new ModelInput(
                i.Name,
                tensor.ElemType,
                [.. dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 ? d.DimValue : -1)],
                [.. dims.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam && d.DimParam.Length > 0 ? d.DimParam : null)]);
        })];
    }

    /// <summary>The element type's name as ONNX spells it (<c>int64</c>, <c>float</c>).</summary>
    public string TypeName => ElementTypes.Name(ElementType);

    /// <summary>True for the integer element types (token ids, masks).</summary>
    public bool IsInteger => ElementTypes.IsInteger(ElementType);
}
