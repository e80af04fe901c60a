using EdgeNode.Common;
using EdgeNode.Learning;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Aggregation;

/// <summary>What an update must pass at receipt, before it is persisted (docs/federation.md); transport- and state-free.</summary>
internal static class UpdateScreen
{
    /// <summary>Format, signature under a registered key, shape, staleness, samples, validation counts, payload, finite values; the round it names.</summary>
    public static (UpdateOutcome, string?) Check(byte[] message, EcdsaKeyRing keys, GlobalHead current, HeadModel head, int[] layout, AggregatorOptions options, out ContributedDelta? delta, out long round)
    {
        delta = null;
        round = -1;
        SignedHeadUpdate signed;
        try
        {
            signed = HeadUpdateWire.Read(message);
        }
        catch (InvalidDataException ex)
        {
            return (UpdateOutcome.Rejected, ex.Message);
        }

        var u = signed.Update;
        round = u.Round;
        if (!signed.IsSignedBy(keys))
        {
            return (UpdateOutcome.Rejected, "signature does not verify under a registered key");
        }

        if (u.ParameterCount != head.ParameterCount)
        {
            return (UpdateOutcome.Rejected, $"shape: {u.ParameterCount} parameters, the head has {head.ParameterCount}");
        }

        var staleness = current.Version - u.BaseVersion;
        if (staleness < 0 || staleness > options.MaxStaleness || (staleness > 0 && options.Staleness == StalenessPolicy.Drop))
        {
            return (UpdateOutcome.Rejected, $"base version {u.BaseVersion} against global {current.Version}");
        }

        if (u.SampleCount <= 0)
        {
            return (UpdateOutcome.Rejected, "no samples");
        }

        if (u.Validation?.Problem() is { } forged)
        {
            return (UpdateOutcome.Rejected, forged);
        }

        var values = new float[u.ParameterCount];
        try
        {
            DeltaEncoder.Decode(u.Payload.Span, u.Codec, layout, values);
        }
        catch (InvalidDataException ex)
        {
            return (UpdateOutcome.Rejected, ex.Message);
        }

        if (!EmbeddingGuard.IsFinite(values))
        {
            return (UpdateOutcome.Rejected, "NaN or infinite values");
        }

        delta = new ContributedDelta(u.NodeId, values, u.SampleCount, u.BaseVersion) { Validation = u.Validation };
        return (UpdateOutcome.Accepted, null);
    }
}
