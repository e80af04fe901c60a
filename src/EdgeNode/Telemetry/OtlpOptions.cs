using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Telemetry;

/// <summary>Options bound from <c>EdgeNode:Telemetry:Otlp</c>: export the node's metrics to an OpenTelemetry collector.</summary>
public sealed class OtlpOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Telemetry:Otlp";

    /// <summary>
    /// <c>EdgeNode__Telemetry__Otlp__Endpoint</c>: the collector, e.g. <c>http://collector:4318</c> (http/protobuf;
    /// <c>/v1/metrics</c> is appended when the URL has no path) or <c>http://collector:4317</c> (grpc). Empty: no export.
    /// </summary>
    [Url]
    public string? Endpoint { get; set; }

    /// <summary><c>EdgeNode__Telemetry__Otlp__Protocol</c>: <c>http/protobuf</c> (default) or <c>grpc</c>.</summary>
    [RegularExpression("^(http/protobuf|grpc)$", ErrorMessage = "The OTLP protocol must be 'http/protobuf' or 'grpc'.")]
    public string Protocol { get; set; } = "http/protobuf";

    /// <summary><c>EdgeNode__Telemetry__Otlp__ExportIntervalSeconds</c>: seconds between exports.</summary>
    [Range(1, 3600)]
    public double ExportIntervalSeconds { get; set; } = 15;

    /// <summary>Optional headers, <c>key=value</c> pairs separated by commas (e.g. an API key).</summary>
    public string? Headers { get; set; }
}
