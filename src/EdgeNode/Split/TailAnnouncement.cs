namespace EdgeNode.Split;

/// <summary>A tail's retained discovery status on <c>{prefix}/{node}/split/tail</c> (docs/mqtt.md).</summary>
/// <param name="Node">The tail's node id.</param>
/// <param name="Url">Where its gRPC service is reached.</param>
/// <param name="ModelSha256">The whole model its cut came from.</param>
/// <param name="TailSha256">The tail model it runs.</param>
/// <param name="Cut">The cut tensor.</param>
/// <param name="Streams">Heads streaming to it now (its load).</param>
/// <param name="Frames">Frames it finished since it started.</param>
internal sealed record TailAnnouncement(string Node, string Url, string ModelSha256, string TailSha256, string Cut, int Streams, long Frames);
