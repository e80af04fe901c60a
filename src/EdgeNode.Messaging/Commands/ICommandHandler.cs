namespace EdgeNode.Messaging.Commands;

/// <summary>
/// One command verb on <c>{prefix}/{node}/cmd/{verb}</c>. Register with
/// <c>services.AddSingleton&lt;ICommandHandler, MyHandler&gt;()</c>; the <see cref="CommandRouter"/> finds it.
/// </summary>
public interface ICommandHandler
{
    /// <summary>The verb (one topic level, e.g. <c>label</c>).</summary>
    string Verb { get; }

    /// <summary>
    /// Handles one request. Return <see cref="CommandReply.Failure"/> or throw <see cref="CommandException"/> for
    /// a rejected request; a rejected request must leave the node's state unchanged.
    /// </summary>
    Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken);
}
