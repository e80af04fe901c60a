namespace EdgeNode.Messaging.Broker;

/// <summary>What an ACL line grants; <see cref="None"/> is mosquitto's <c>deny</c>.</summary>
[Flags]
public enum AclAccess
{
    /// <summary>Nothing (<c>deny</c>): wins over every grant of the same block.</summary>
    None = 0,

    /// <summary>Receive messages on the topic.</summary>
    Read = 1,

    /// <summary>Publish to the topic.</summary>
    Write = 2,

    /// <summary>Both.</summary>
    ReadWrite = Read | Write,
}
