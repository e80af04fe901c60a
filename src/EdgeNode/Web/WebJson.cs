using System.Text.Json.Serialization;

namespace EdgeNode.Web;

/// <summary>Source-generated JSON for what the web API writes outside endpoint results.</summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class WebJson : JsonSerializerContext;
