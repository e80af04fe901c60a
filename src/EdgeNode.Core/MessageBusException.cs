namespace EdgeNode.Core;

/// <summary>A publish or subscribe that the broker did not accept, or that could not be sent.</summary>
public sealed class MessageBusException : Exception
{
    public MessageBusException()
    {
    }

    public MessageBusException(string message)
        : base(message)
    {
    }

    public MessageBusException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
