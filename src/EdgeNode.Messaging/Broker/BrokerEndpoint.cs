using System.Net;

namespace EdgeNode.Messaging.Broker;

/// <summary>Where the node's own client reaches its embedded broker.</summary>
internal static class BrokerEndpoint
{
    /// <summary>
    /// The host to connect to: a broker bound to every address (<c>0.0.0.0</c>, <c>::</c>) cannot be dialled at that
    /// address, so the node dials loopback, which such a bind includes; any other host as configured.
    /// </summary>
    public static string ConnectHost(MqttOptions options) =>
        !options.EmbeddedBroker || !IPAddress.TryParse(options.Host, out var address) ? options.Host
        : address.Equals(IPAddress.Any) ? IPAddress.Loopback.ToString()
        : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback.ToString()
        : options.Host;
}
