using System.Text.Json;

namespace EdgeNode.Messaging.Commands;

/// <summary>A parsed command.</summary>
/// <param name="Verb">The verb from the topic.</param>
/// <param name="Arguments">The payload's JSON object (an empty object for an empty payload).</param>
/// <param name="Payload">The raw payload.</param>
public sealed record CommandRequest(string Verb, JsonElement Arguments, ReadOnlyMemory<byte> Payload);
