using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Messaging.Broker;

/// <summary>The start-up check of the embedded broker's security settings, as a validation result naming the key (exit 78).</summary>
internal static class BrokerSecurityCheck
{
    /// <summary>Null when <paramref name="options"/> give the embedded broker usable security settings.</summary>
    public static ValidationResult? Failure(MqttOptions options)
    {
        try
        {
            _ = BrokerAccessControl.FromOptions(options);
            return null;
        }
        catch (BrokerSecurityException ex)
        {
            return new ValidationResult(ex.Detail, [ex.Key]);
        }
    }
}
