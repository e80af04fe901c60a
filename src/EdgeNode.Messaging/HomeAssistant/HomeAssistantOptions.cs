using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Messaging.HomeAssistant;

/// <summary>Options bound from <c>EdgeNode:HomeAssistant</c>.</summary>
public sealed class HomeAssistantOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:HomeAssistant";

    /// <summary>Publish device discovery (<c>EdgeNode__HomeAssistant__Enabled</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Home Assistant's discovery prefix (<c>EdgeNode__HomeAssistant__DiscoveryPrefix</c>).</summary>
    [Required]
    [RegularExpression("^[^#+/]+(/[^#+/]+)*$", ErrorMessage = "The discovery prefix must be non-empty and contain no '#', '+' or empty levels.")]
    public string DiscoveryPrefix { get; set; } = "homeassistant";
}
