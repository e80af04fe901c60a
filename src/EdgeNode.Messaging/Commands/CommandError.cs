namespace EdgeNode.Messaging.Commands;

/// <summary>The <c>error</c> object of a failed reply.</summary>
/// <param name="Code">Stable machine-readable code (see <see cref="CommandErrorCodes"/>).</param>
/// <param name="Message">Human-readable explanation.</param>
public sealed record CommandError(string Code, string Message);
