namespace EdgeNode.Messaging.Sparkplug;

/// <summary>
/// One metric of a Sparkplug B payload. <see cref="Value"/> is null for an explicit null (<c>is_null</c>), else
/// of the CLR type <see cref="SparkplugDataType"/> names: <see cref="long"/> for signed integers,
/// <see cref="ulong"/> for unsigned ones, <see cref="float"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="string"/> for String and Text, <see cref="DateTimeOffset"/> for DateTime.
/// </summary>
/// <param name="Name">Metric name; in BIRTH messages (and the NDEATH's <c>bdSeq</c>), absent in DATA messages.</param>
/// <param name="Alias">Alias bound to the name by the BIRTH message; null where the metric has none.</param>
/// <param name="DataType">Sparkplug data type.</param>
/// <param name="Value">The value, or null.</param>
public sealed record SparkplugMetric(string? Name, ulong? Alias, SparkplugDataType DataType, object? Value)
{
    /// <summary>Acquisition time; null where not given.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>Engineering unit, sent as the <c>engUnit</c> property; null for none.</summary>
    public string? Unit { get; init; }
}
