using EdgeNode.Devices.Sensors;
using EdgeNode.Messaging.HomeAssistant;

namespace EdgeNode.Devices;

/// <summary>The configured sensors (<c>EdgeNode:Sensors</c>), and the quantities each type publishes (as its driver names them) for Home Assistant entities and Sparkplug metrics.</summary>
internal static class SensorCatalog
{
    /// <summary>The sensors as configured; null when none are (the factory then creates the default simulated one).</summary>
    public static List<SensorOptions>? Configured(IConfiguration configuration) =>
        configuration.GetSection(SensorOptions.Section).Get<List<SensorOptions>>();

    /// <summary>The quantities of the sensors the node will run: the configured ones, or the defaults.</summary>
    public static IReadOnlyList<HomeAssistantSensor> For(IConfiguration configuration) =>
        For(Configured(configuration) is { Count: > 0 } configured ? configured : SensorOptions.Defaults);

    public static IReadOnlyList<HomeAssistantSensor> For(IEnumerable<SensorOptions> sensors) =>
        sensors.SelectMany(s => Quantities(s.Type.ToUpperInvariant()).Select(q => new HomeAssistantSensor(s.Name, q.Quantity, q.Unit))).ToList();

    private static (string Quantity, string Unit)[] Quantities(string type) => type switch
    {
        "SIMULATED" or "SHT3X" or "SHT31" or "DHT22" => [("temperature", "°C"), ("humidity", "%")],
        "BME280" => [("temperature", "°C"), ("pressure", "hPa"), ("humidity", "%")],
        "SOC" => [("temperature", "°C")],
        "ADS1115" => [("voltage", "V")],
        _ => [],
    };
}
