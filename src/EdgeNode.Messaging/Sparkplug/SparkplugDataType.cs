namespace EdgeNode.Messaging.Sparkplug;

/// <summary>
/// The Sparkplug B scalar data types EdgeNode reads and writes (numbers as in the specification's
/// <c>DataType</c> enumeration, carried in <c>Metric.datatype</c>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The names are the Sparkplug specification's.")]
public enum SparkplugDataType
{
    /// <summary>Not given; a decoded metric's type is then taken from the value field that is set.</summary>
    Unknown = 0,

    /// <summary>Signed 8-bit integer (value: <see cref="long"/>).</summary>
    Int8 = 1,

    /// <summary>Signed 16-bit integer (value: <see cref="long"/>).</summary>
    Int16 = 2,

    /// <summary>Signed 32-bit integer (value: <see cref="long"/>).</summary>
    Int32 = 3,

    /// <summary>Signed 64-bit integer (value: <see cref="long"/>).</summary>
    Int64 = 4,

    /// <summary>Unsigned 8-bit integer (value: <see cref="ulong"/>).</summary>
    UInt8 = 5,

    /// <summary>Unsigned 16-bit integer (value: <see cref="ulong"/>).</summary>
    UInt16 = 6,

    /// <summary>Unsigned 32-bit integer (value: <see cref="ulong"/>).</summary>
    UInt32 = 7,

    /// <summary>Unsigned 64-bit integer (value: <see cref="ulong"/>).</summary>
    UInt64 = 8,

    /// <summary>32-bit float (value: <see cref="float"/>).</summary>
    Float = 9,

    /// <summary>64-bit float (value: <see cref="double"/>).</summary>
    Double = 10,

    /// <summary>Boolean (value: <see cref="bool"/>).</summary>
    Boolean = 11,

    /// <summary>UTF-8 string (value: <see cref="string"/>).</summary>
    String = 12,

    /// <summary>Milliseconds since the Unix epoch, UTC (value: <see cref="DateTimeOffset"/>).</summary>
    DateTime = 13,

    /// <summary>Long UTF-8 text (value: <see cref="string"/>).</summary>
    Text = 14,
}
