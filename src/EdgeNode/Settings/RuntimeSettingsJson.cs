using System.Text.Json.Serialization;

namespace EdgeNode.Settings;

/// <summary>Source-generated JSON for the runtime settings file.</summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class RuntimeSettingsJson : JsonSerializerContext;
