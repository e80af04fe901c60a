namespace EdgeNode.Aggregation;

/// <summary>What happened to one received update.</summary>
public enum UpdateOutcome
{
    /// <summary>Verified, persisted and counted for the open round.</summary>
    Accepted,

    /// <summary>This node already has an update in the round (QoS 1 redelivery or a resend); counted once.</summary>
    Duplicate,

    /// <summary>Malformed, unsigned or signed by an unregistered key, wrong shape, not finite, or a wrong base version.</summary>
    Rejected,

    /// <summary>A chunk of a larger message; waiting for the rest.</summary>
    Partial,
}
