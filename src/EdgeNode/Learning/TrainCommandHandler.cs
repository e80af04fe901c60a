using EdgeNode.Messaging.Commands;

namespace EdgeNode.Learning;

/// <summary><c>cmd/train</c>: starts a background training run now; the outcome is logged and shows as a new <c>headVersion</c> in results.</summary>
internal sealed class TrainCommandHandler(HeadTrainingService training) : ICommandHandler
{
    public string Verb => "train";

    public Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandArguments.RejectUnknown(request.Arguments);
        training.RequestTraining();
        return Task.FromResult(CommandReply.Success());
    }
}
