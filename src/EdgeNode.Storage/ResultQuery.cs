using EdgeNode.Core;

namespace EdgeNode.Storage;

/// <summary>A filter over the result cache.</summary>
/// <param name="Since">Only items stored at or after this time.</param>
/// <param name="Limit">At most this many, the newest ones (returned oldest first).</param>
/// <param name="PendingOnly">Only items not yet acknowledged by the broker.</param>
/// <param name="Kinds">Kinds to include; empty means all.</param>
/// <param name="BeforeSeq">Only items with a smaller store sequence (paging backwards, the web page's <c>before=</c>).</param>
public sealed record ResultQuery(DateTimeOffset? Since, int Limit, bool PendingOnly, IReadOnlyCollection<MessageKind> Kinds, long? BeforeSeq = null);
