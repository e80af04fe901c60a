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

    /// <summary>
    /// True when the broker answered and refused this message (MQTT v5 PUBACK reason 0x80 or above, e.g. 0x87 not
    /// authorised): sending it again gets the same answer, unlike a lost connection.
    /// </summary>
    public bool RefusedByBroker { get; init; }
}
