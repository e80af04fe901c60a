using System.Text.Json;
using EdgeNode.Common;
using EdgeNode.Core;

namespace EdgeNode.Learning;

/// <summary>
/// Turns a label command (<c>{"result": "&lt;id&gt;" | "last", "label": "cat"}</c>) into a stored training sample,
/// rejecting bad input with a clear code before anything is written.
/// </summary>
public sealed class LabelIntake(ISampleStore store, RecentEmbeddings recent, LabelRateLimiter limiter, TimeProvider time, int maxLabelLength, int capacityPerClass, RecentImages? images = null)
{
    /// <summary>Parses and applies a JSON label command from <paramref name="source"/>.</summary>
    public async ValueTask<LabelOutcome> HandleAsync(ReadOnlyMemory<byte> payload, string source, CancellationToken cancellationToken)
    {
        string? result;
        string? label;
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("result", out var r) || r.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("label", out var l) || l.ValueKind != JsonValueKind.String)
            {
                return LabelOutcome.Fail("bad_request", "Expected {\"result\": \"<id>\" | \"last\", \"label\": \"<class>\"}.");
            }

            result = r.GetString();
            label = l.GetString();
        }
        catch (JsonException ex)
        {
            return LabelOutcome.Fail("bad_request", "The payload is not JSON: " + ex.Message);
        }

        return await LabelAsync(result ?? string.Empty, label ?? string.Empty, source, cancellationToken);
    }

    /// <summary>Labels result <paramref name="resultId"/> (or <c>last</c>) as <paramref name="label"/>.</summary>
    public async ValueTask<LabelOutcome> LabelAsync(string resultId, string label, string source, CancellationToken cancellationToken)
    {
        label = label.Trim();
        if (label.Length == 0)
        {
            return LabelOutcome.Fail("invalid_label", "The label is empty.");
        }

        if (label.Length > maxLabelLength)
        {
            return LabelOutcome.Fail("invalid_label", $"The label has {label.Length} characters; at most {maxLabelLength} are allowed.");
        }

        if (label.Any(char.IsControl))
        {
            return LabelOutcome.Fail("invalid_label", "The label contains control characters.");
        }

        if (!limiter.TryAcquire())
        {
            return LabelOutcome.Fail("rate_limited", "Too many labels; try again later.");
        }

        var now = time.GetUtcNow();
        if (recent.Find(resultId) is not { } entry)
        {
            return LabelOutcome.Fail("unknown_result", $"No result '{resultId}' within the last {recent.TimeToLive.TotalSeconds:0} s (unknown or expired).");
        }

        if (!EmbeddingGuard.IsFinite(entry.Embedding))
        {
            return LabelOutcome.Fail("invalid_embedding", $"The embedding of result '{entry.ResultId}' contains NaN or infinite values; it is not used for training.");
        }

        // The image goes with the sample only where it was kept (StoreImages) and is still in the ring.
        // A missing image must stay null: a null byte[] converts to an empty, non-null ReadOnlyMemory.
        ReadOnlyMemory<byte>? image = images?.Find(entry.ResultId) is { } jpeg ? new ReadOnlyMemory<byte>(jpeg) : (ReadOnlyMemory<byte>?)null;
        SampleAddResult added;
        try
        {
            added = await store.AddAsync(new NewSample(label, source, entry.ModelId, entry.Embedding, now, entry.ResultId, image), capacityPerClass, cancellationToken);
        }
        catch (SampleRefusedException ex)
        {
            // A bound of the store or the file: nothing was written (undelivered results keep their room).
            return LabelOutcome.Fail(ex.Code, ex.Message);
        }

        return new LabelOutcome(true, ResultId: entry.ResultId, Stored: added.Stored, SampleId: added.Stored ? added.Id : null);
    }
}
