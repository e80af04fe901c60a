namespace EdgeNode.Common;

/// <summary>The header of one chunk.</summary>
/// <param name="MessageId">Hex of the first 16 bytes of the whole message's SHA-256.</param>
/// <param name="Index">This chunk's position.</param>
/// <param name="Count">Chunks in the message.</param>
/// <param name="TotalLength">Bytes of the whole message.</param>
public readonly record struct ChunkHeader(string MessageId, int Index, int Count, int TotalLength);
