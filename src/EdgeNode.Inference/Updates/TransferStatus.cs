namespace EdgeNode.Inference.Updates;

/// <summary>A chunked transfer in progress.</summary>
/// <param name="TransferId">Its id (first 32 hex digits of the model's SHA-256).</param>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The model's version.</param>
/// <param name="Size">Bytes of the model.</param>
/// <param name="ChunkSize">Bytes per chunk (the last may be shorter).</param>
/// <param name="Chunks">Chunks in all.</param>
/// <param name="Received">Distinct chunks received.</param>
/// <param name="Rejected">Chunks refused.</param>
/// <param name="Missing">The first missing chunk indices (at most 100).</param>
public sealed record TransferStatus(string TransferId, string Name, string Version, long Size, int ChunkSize, int Chunks, int Received, int Rejected, IReadOnlyList<int> Missing);
