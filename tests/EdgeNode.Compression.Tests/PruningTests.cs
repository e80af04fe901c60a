using EdgeNode.Compression.Onnx.Proto;
using EdgeNode.Compression.Onnx;
using EdgeNode.Compression.Pruning;
using EdgeNode.Compression.Transforms;

namespace EdgeNode.Compression.Tests;

public sealed class PruningTests
{
    private static readonly long[] s_imageShape = [1, 3, TinyModels.ImageSize, TinyModels.ImageSize];

    [Fact]
    public void ChannelPrune_Residual_KeepsGraphValidAndOutputShape()
    {
        var model = TinyModels.ResidualCnn();
        BatchNormFolder.Fold(model.Graph);
        var pruned = model.Clone();

        var result = ChannelPruner.Apply(pruned.Graph, 0.5);

        // Prunable: the stem/first-block residual group (8 channels) and the inner convs of both blocks
        // (8 and 16); the second block's residual group reaches the graph output and must stay.
        Assert.Equal(3, result.Groups);
        Assert.Equal(4 + 4 + 8, result.RemovedChannels);
        Assert.Equal(OrtRunner.OutputShape(model), OrtRunner.OutputShape(pruned));
        var output = OrtRunner.Run(pruned, TinyModels.RandomInput(3 * 16 * 16, 1, 50f), s_imageShape);
        Assert.Equal(16, output.Length);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void ChannelPrune_Residual_SlicesProducersAndConsumersConsistently()
    {
        var model = TinyModels.ResidualCnn();
        BatchNormFolder.Fold(model.Graph);

        ChannelPruner.Apply(model.Graph, 0.5);

        var view = new GraphView(model.Graph);
        var convs = model.Graph.Node.Where(n => n.OpType == "Conv").Select(n => view.Initializers[n.Input[1]].Dims.ToArray()).ToList();

        // [out, in] per conv in graph order: stem, block-1 conv a, conv b, block-2 conv a, conv b, shortcut.
        Assert.Equal([4L, 4, 4, 8, 16, 16], convs.Select(d => d[0]));
        Assert.Equal([3L, 4, 4, 4, 8, 4], convs.Select(d => d[1]));
    }

    [Fact]
    public void ChannelPrune_LowestL1Channels_AreTheOnesRemoved()
    {
        var (model, view, inner, weights, _) = WithInnerConv();
        var per = weights.Length / 16;

        // Make channel 5 of the second block's inner conv negligible: it must go.
        weights.AsSpan(5 * per, per).Fill(1e-6f);
        Set(view, inner.Input[1], weights);
        var before = OrtRunner.Run(model, TinyModels.RandomInput(3 * 16 * 16, 9, 50f), s_imageShape);

        ChannelPruner.Apply(model.Graph, 1.0 / 16);

        var kept = Tensors.ToFloats(new GraphView(model.Graph).Initializers[inner.Input[1]]);
        Assert.Equal(15 * per, kept.Length);
        Assert.DoesNotContain(kept, w => w == 1e-6f);
        var after = OrtRunner.Run(model, TinyModels.RandomInput(3 * 16 * 16, 9, 50f), s_imageShape);
        Assert.Equal(before.Length, after.Length);
    }

    [Fact]
    public void ChannelPrune_WithLeastSquaresRefit_CompensatesAConstantChannel()
    {
        var (model, view, inner, weights, bias) = WithInnerConv();
        var per = weights.Length / 16;

        // Channel 5 becomes the constant relu(2) = 2: cheapest by L1, and its mean says everything about it.
        weights.AsSpan(5 * per, per).Clear();
        bias[5] = 2f;
        Set(view, inner.Input[1], weights);
        Set(view, inner.Input[2], bias);
        var run = CutAndRefit(model, 1.0 / 16, calibrationSeed: 0, calibrationCount: 4, inputSeed: 21);

        Assert.True(run.RefitError < run.CutError / 2, $"refitted {run.RefitError}, cut {run.CutError}");
        Assert.Equal(run.Plan.Sum(g => g.Consumers.Count), run.Refitted);
    }

    [Fact]
    public void ChannelPrune_WithLeastSquaresRefit_AbsorbsAChannelProportionalToAKeptOne()
    {
        var (model, view, inner, weights, bias) = WithInnerConv();
        var consumer = model.Graph.Node.Where(n => n.OpType == "Conv").ElementAt(4);
        var per = weights.Length / 16;

        // Channel 5 = relu(0.001 · channel 2's pre-activation) = 0.001 · channel 2: the cheapest by L1, yet the
        // consumer weighs it 500 times more, so cutting it hurts; moving its weight onto channel 2 loses nothing.
        for (var i = 0; i < per; i++)
        {
            weights[(5 * per) + i] = 1e-3f * weights[(2 * per) + i];
        }

        bias[5] = 1e-3f * bias[2];
        var next = Tensors.ToFloats(view.Initializers[consumer.Input[1]]);
        var kernel = next.Length / (16 * 16);
        for (var o = 0; o < 16; o++)
        {
            for (var k = 0; k < kernel; k++)
            {
                next[(((o * 16) + 5) * kernel) + k] *= 500f;
            }
        }

        Set(view, inner.Input[1], weights);
        Set(view, inner.Input[2], bias);
        Set(view, consumer.Input[1], next);
        var run = CutAndRefit(model, 1.0 / 16, calibrationSeed: 100, calibrationCount: 8, inputSeed: 33);

        Assert.Equal([5], Enumerable.Range(0, 16).Except(run.Plan.Single().Keep));
        Assert.True(run.RefitError < run.CutError / 20, $"refitted {run.RefitError}, cut {run.CutError}");
    }

    [Fact]
    public void ChannelPrune_HalfWithRefit_ReconstructsEveryConsumerAndStaysCloserThanCut()
    {
        // At 0.5 the residual group and both inner groups go, so convs that are both consumers and producers are refitted.
        var model = TinyModels.ResidualCnn();
        BatchNormFolder.Fold(model.Graph);
        var run = CutAndRefit(model, 0.5, calibrationSeed: 200, calibrationCount: 16, inputSeed: 5);

        Assert.Equal(run.Plan.SelectMany(g => g.Consumers).Count(), run.Refitted);
        Assert.Equal(OrtRunner.OutputShape(model), OrtRunner.OutputShape(run.Model));
        Assert.True(run.RefitError < run.CutError, $"refitted {run.RefitError}, cut {run.CutError}");
    }

    [Fact]
    public void ChannelPrune_WithInputMagnitudes_RemovesADeadChannelThatL1WouldKeep()
    {
        var (model, view, inner, weights, bias) = WithInnerConv();
        var per = weights.Length / 16;

        // Channel 5 has the largest filters but a bias no input overcomes: after the Relu it is always 0.
        for (var i = 0; i < per; i++)
        {
            weights[(5 * per) + i] *= 10f;
        }

        bias[5] = -1e6f;
        Set(view, inner.Input[1], weights);
        Set(view, inner.Input[2], bias);
        var calibration = Enumerable.Range(0, 4).Select(s => TinyModels.RandomInput(3 * 16 * 16, 300 + s, 50f)).ToList();
        var magnitudes = ChannelStatistics.ConvInputMagnitudes(model, calibration, s_imageShape, 1, CancellationToken.None);

        var byL1 = ChannelPruner.Plan(model.Graph, 1.0 / 16).Single();
        var byData = ChannelPruner.Plan(model.Graph, 1.0 / 16, magnitudes).Single();

        Assert.Contains(5, byL1.Keep);
        Assert.DoesNotContain(5, byData.Keep);
        Assert.Equal(15, byData.Keep.Length);
    }

    [Theory]
    [InlineData(64, 0.3, 48)]
    [InlineData(512, 0.3, 360)]
    [InlineData(256, 0.5, 128)]
    [InlineData(16, 0.5, 8)]
    [InlineData(8, 0.5, 4)]
    [InlineData(30, 0.3, 21)]
    public void KeptChannels_WideLayers_KeepMultiplesOfEight(int channels, double fraction, int expected)
    {
        Assert.Equal(expected, ChannelPruner.KeptChannels(channels, fraction));
    }

    [Fact]
    public void MagnitudePrune_HalfSparsity_ZeroesHalfTheWeightsAndStillRuns()
    {
        var model = TinyModels.ResidualCnn();
        BatchNormFolder.Fold(model.Graph);

        var sparsity = MagnitudePruner.Apply(model.Graph, 0.5);

        Assert.InRange(sparsity, 0.49, 0.51);
        var view = new GraphView(model.Graph);
        var stem = Tensors.ToFloats(view.Initializers[model.Graph.Node[0].Input[1]]);
        Assert.InRange(stem.Count(w => w == 0), (stem.Length / 2) - 1, (stem.Length / 2) + 1);
        Assert.Equal(16, OrtRunner.Run(model, TinyModels.RandomInput(3 * 16 * 16, 2), s_imageShape).Length);
    }

    [Fact]
    public void MagnitudePrune_SparsityOutOfRange_Throws()
    {
        var model = TinyModels.ResidualCnn();

        Assert.Throws<CompressionException>(() => MagnitudePruner.Apply(model.Graph, 1.0));
    }

    /// <summary>
    /// Prunes two copies of <paramref name="model"/> by <paramref name="fraction"/>: one cut, one reconstructed on random
    /// calibration inputs; errors are max |Δ| of their outputs against the model's on one more input.
    /// </summary>
    private static (ModelProto Model, IReadOnlyList<PrunedGroup> Plan, int Refitted, float CutError, float RefitError) CutAndRefit(ModelProto model, double fraction, int calibrationSeed, int calibrationCount, int inputSeed)
    {
        var input = TinyModels.RandomInput(3 * 16 * 16, inputSeed, 50f);
        var reference = OrtRunner.Run(model, input, s_imageShape);
        var cut = model.Clone();
        var refitted = model.Clone();
        var calibration = Enumerable.Range(calibrationSeed, calibrationCount).Select(s => TinyModels.RandomInput(3 * 16 * 16, s, 50f)).ToList();
        var plan = ChannelPruner.Plan(refitted.Graph, fraction);
        var refit = ConsumerRefit.Collect(refitted, plan, calibration, s_imageShape, 2, progress: null, CancellationToken.None);
        ChannelPruner.Apply(cut.Graph, fraction);
        var result = ChannelPruner.Apply(refitted.Graph, plan, refit, threads: 2);
        return (refitted, plan, result.Refitted,
            OrtRunner.MaxAbsDifference(reference, OrtRunner.Run(cut, input, s_imageShape)),
            OrtRunner.MaxAbsDifference(reference, OrtRunner.Run(refitted, input, s_imageShape)));
    }

    /// <summary>The tiny ResNet with BN folded, and its second block's inner conv (16 outputs) with that conv's weights and bias.</summary>
    private static (ModelProto Model, GraphView View, NodeProto Inner, float[] Weights, float[] Bias) WithInnerConv()
    {
        var model = TinyModels.ResidualCnn();
        BatchNormFolder.Fold(model.Graph);
        var view = new GraphView(model.Graph);
        var inner = model.Graph.Node.Where(n => n.OpType == "Conv").ElementAt(3);
        return (model, view, inner, Tensors.ToFloats(view.Initializers[inner.Input[1]]), Tensors.ToFloats(view.Initializers[inner.Input[2]]));
    }

    private static void Set(GraphView view, string name, float[] values) =>
        view.ReplaceInitializer(name, Tensors.FromFloats(name, values, [.. view.Initializers[name].Dims]));
}
