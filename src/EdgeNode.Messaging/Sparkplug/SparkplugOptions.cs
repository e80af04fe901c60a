using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Messaging.Sparkplug;

/// <summary>Options bound from <c>EdgeNode:Mqtt:Sparkplug</c>, used when <c>EdgeNode:Mqtt:Convention</c> is <c>sparkplug</c>.</summary>
public sealed class SparkplugOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Mqtt:Sparkplug";

    /// <summary>Sparkplug group id (<c>EdgeNode__Mqtt__Sparkplug__GroupId</c>): one topic level, no '/', '+' or '#'.</summary>
    [Required]
    [RegularExpression("^[^/+#]+$", ErrorMessage = "The Sparkplug group id is one MQTT topic level: non-empty, no '/', '+' or '#'.")]
    public string GroupId { get; set; } = "edgenode";
}
