using EdgeNode.Messaging.Commands;

namespace EdgeNode.Learning;

/// <summary>
/// <c>cmd/label</c> <c>{"result": "&lt;id&gt;" | "last", "label": "cat"}</c>: stores the result's embedding as a training
/// sample; replies <c>{"ok": true, "result", "label", "stored"}</c> or an error (<c>unknown_result</c>, <c>invalid_label</c>,
/// <c>invalid_embedding</c>, <c>rate_limited</c>, <c>too_many_classes</c>, <c>samples_full</c>, <c>storage_full</c>, <c>bad_request</c>).
/// </summary>
internal sealed class LabelCommandHandler(LabelIntake intake, HeadTrainingService training) : ICommandHandler
{
    public string Verb => "label";

    public async Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var outcome = await intake.HandleAsync(request.Payload, "mqtt", cancellationToken);
        if (!outcome.Ok)
        {
            return CommandReply.Failure(outcome.ErrorCode ?? "bad_request", outcome.Message ?? "Rejected.");
        }

        training.OnLabelAccepted();
        return CommandReply.Success(new JsonObject
        {
            ["result"] = outcome.ResultId,
            ["label"] = CommandArguments.RequiredString(request.Arguments, "label").Trim(),
            ["stored"] = outcome.Stored,
        });
    }
}
