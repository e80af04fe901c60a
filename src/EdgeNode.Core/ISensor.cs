namespace EdgeNode.Core;

/// <summary>A sensor polled periodically by the node.</summary>
public interface ISensor
{
    /// <summary>Configured name, used as the topic segment.</summary>
    string Name { get; }

    /// <summary>How often the node reads it.</summary>
    TimeSpan Period { get; }

    /// <summary>Reads every quantity the sensor measures. Throws when the device does not answer.</summary>
    ValueTask<IReadOnlyList<SensorReading>> ReadAsync(CancellationToken cancellationToken);
}
