namespace EdgeNode.Messaging.Commands;

/// <summary>Thrown by a handler (or its parser) to reject a request with an error reply.</summary>
public sealed class CommandException : Exception
{
    public CommandException()
        : this(CommandErrorCodes.InvalidArgument, "Invalid command.")
    {
    }

    public CommandException(string message)
        : this(CommandErrorCodes.InvalidArgument, message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = CommandErrorCodes.InvalidArgument;
    }

    /// <summary>Rejects with <paramref name="code"/> and <paramref name="message"/>.</summary>
    public CommandException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>The reply's error code.</summary>
    public string Code { get; }
}
