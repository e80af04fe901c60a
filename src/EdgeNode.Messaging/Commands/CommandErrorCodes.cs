namespace EdgeNode.Messaging.Commands;

/// <summary>Error codes every command can answer with (handlers may add their own).</summary>
public static class CommandErrorCodes
{
    /// <summary>The payload is larger than <c>EdgeNode:Commands:MaxPayloadBytes</c>.</summary>
    public const string PayloadTooLarge = "payload_too_large";

    /// <summary>The payload is not UTF-8 JSON, or not a JSON object.</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary>No handler for the verb.</summary>
    public const string UnknownVerb = "unknown_verb";

    /// <summary>A field is missing, of the wrong type or out of range.</summary>
    public const string InvalidArgument = "invalid_argument";

    /// <summary>The node cannot take the command now (queue full, another operation in progress).</summary>
    public const string Busy = "busy";

    /// <summary>The handler failed unexpectedly; the node logged it.</summary>
    public const string Internal = "internal";
}
