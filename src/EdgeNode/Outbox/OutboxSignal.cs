namespace EdgeNode.Outbox;

/// <summary>Wakes the outbox publisher when something was stored (<see cref="MessageWriter"/>) or the broker came back.</summary>
public sealed class OutboxSignal : WakeSignal;
