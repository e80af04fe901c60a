using EdgeNode.Devices.Sensors;
using EdgeNode.Messaging.HomeAssistant;

namespace EdgeNode.Devices;

/// <summary>The quantities each configured sensor type publishes (as its driver names them), for Home Assistant entities.</summary>
internal static class SensorCatalog
{
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
