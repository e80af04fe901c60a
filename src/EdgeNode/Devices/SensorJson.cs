namespace EdgeNode.Devices;

/// <summary>The body of a <c>sensors/{sensor}</c> message (docs/mqtt.md) after its envelope: one sensor's readings of one poll.</summary>
public static class SensorJson
{
    /// <summary>Writes <c>"sensor"</c> and <c>"values": {quantity: {value, unit}}</c>; the envelope's <c>ts</c> is the first reading's time.</summary>
    public static void WriteBody(Utf8JsonWriter writer, IReadOnlyList<SensorReading> readings)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(readings);
        writer.WriteString("sensor", readings[0].Sensor);
        writer.WriteStartObject("values");
        foreach (var r in readings)
        {
            writer.WriteStartObject(r.Quantity);
            writer.WriteNumber("value", Math.Round(r.Value, 3));
            writer.WriteString("unit", r.Unit);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }
}
