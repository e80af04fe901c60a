namespace EdgeNode.Devices.Board;

/// <summary>One thermal zone: its <c>type</c> (e.g. <c>cpu-thermal</c>) and temperature.</summary>
public readonly record struct ThermalZone(string Type, double Celsius);
