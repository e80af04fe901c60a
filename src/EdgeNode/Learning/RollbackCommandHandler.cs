using EdgeNode.Messaging.Commands;

namespace EdgeNode.Learning;

/// <summary><c>cmd/rollback</c>: makes the previous head version active; replies with its <c>headVersion</c> or <c>no_previous_head</c>.</summary>
internal sealed class RollbackCommandHandler(HeadTrainingService training) : ICommandHandler
{
    public string Verb => "rollback";

    public async Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandArguments.RejectUnknown(request.Arguments);
        var info = await training.RollbackAsync(cancellationToken);
        return info is null
            ? CommandReply.Failure("no_previous_head", "There is no older head version to return to.")
            : CommandReply.Success(new JsonObject { ["headVersion"] = info.Version, ["validationAccuracy"] = info.ValidationAccuracy });
    }
}
