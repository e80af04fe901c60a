using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Messaging.Commands;

/// <summary>Options bound from <c>EdgeNode:Commands</c>.</summary>
public sealed class CommandOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Commands";

    /// <summary>Largest accepted command payload (<c>EdgeNode__Commands__MaxPayloadBytes</c>); larger ones get <c>payload_too_large</c>.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Commands waiting for the single command worker; more get <c>busy</c>.</summary>
    [Range(1, 1024)]
    public int QueueCapacity { get; set; } = 32;
}
