namespace EdgeNode.Messaging.HomeAssistant;

/// <summary>One measured quantity of a node sensor, published on <c>{prefix}/{node}/sensors/{Sensor}</c>.</summary>
/// <param name="Sensor">Sensor name (topic level).</param>
/// <param name="Quantity">Key under <c>values</c> (e.g. <c>temperature</c>).</param>
/// <param name="Unit">Unit as published (e.g. <c>°C</c>).</param>
public sealed record HomeAssistantSensor(string Sensor, string Quantity, string Unit);
