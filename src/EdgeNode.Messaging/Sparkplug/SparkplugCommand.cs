namespace EdgeNode.Messaging.Sparkplug;

/// <summary>What an NCMD asked for.</summary>
/// <param name="Rebirth">True when it wrote <c>Node Control/Rebirth</c> = true.</param>
/// <param name="Ignored">Why each other part was ignored (malformed payload, unknown or read-only metric); empty when none.</param>
public sealed record SparkplugCommand(bool Rebirth, IReadOnlyList<string> Ignored);
