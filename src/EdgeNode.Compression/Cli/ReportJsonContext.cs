using System.Text.Json.Serialization;

namespace EdgeNode.Compression.Cli;

/// <summary>Source-generated JSON for the reports printed with <c>--json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(CompressionReport))]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(EdgeNode.Compression.Split.SplitReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
