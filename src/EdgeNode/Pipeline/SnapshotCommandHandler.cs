using EdgeNode.Outbox;
using EdgeNode.Messaging.Commands;

namespace EdgeNode.Pipeline;

/// <summary>
/// <c>cmd/snapshot</c> <c>{"quality": 80}</c> (optional, 1–100): replies with the last frame the pipeline took as a
/// base64 JPEG (<c>jpeg</c>), with <c>frameSeq</c>, <c>ts</c>, <c>width</c>, <c>height</c>.
/// </summary>
internal sealed class SnapshotCommandHandler(ILastFrame lastFrame) : ICommandHandler
{
    public string Verb => "snapshot";

    public Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandArguments.RejectUnknown(request.Arguments, "quality");
        var quality = (int)(CommandArguments.OptionalInteger(request.Arguments, "quality", 1, 100) ?? 80);
        FrameSnapshot? snapshot;
        try
        {
            snapshot = lastFrame.TakeJpeg(quality);
        }
        catch (InvalidDataException ex)
        {
            return Task.FromResult(CommandReply.Failure("no_frame", ex.Message));
        }

        if (snapshot is null)
        {
            return Task.FromResult(CommandReply.Failure("no_frame", "No frame has been captured yet."));
        }

        return Task.FromResult(CommandReply.Success(new JsonObject
        {
            ["frameSeq"] = snapshot.Sequence,
            ["ts"] = MessageEnvelope.FormatTimestamp(snapshot.Timestamp),
            ["width"] = snapshot.Width,
            ["height"] = snapshot.Height,
            ["contentType"] = "image/jpeg",
            ["jpeg"] = Convert.ToBase64String(snapshot.Jpeg.Span),
        }));
    }
}
