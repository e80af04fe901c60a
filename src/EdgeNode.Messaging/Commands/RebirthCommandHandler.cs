using System.Text.Json.Nodes;

namespace EdgeNode.Messaging.Commands;

/// <summary>
/// <c>cmd/rebirth</c>: publishes the retained <c>online</c> birth again and re-sends everything published on
/// connect (Home Assistant discovery, the Sparkplug NBIRTH). Takes no arguments.
/// </summary>
public sealed class RebirthCommandHandler(MqttMessageBus bus) : ICommandHandler
{
    /// <inheritdoc />
    public string Verb => "rebirth";

    /// <inheritdoc />
    public async Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        CommandArguments.RejectUnknown(request.Arguments);
        if (!bus.IsConnected)
        {
            return CommandReply.Failure(CommandErrorCodes.Busy, "Not connected to the broker.");
        }

        await bus.RebirthAsync(cancellationToken);
        return CommandReply.Success(new JsonObject { ["reborn"] = true });
    }
}
