using System.ComponentModel.DataAnnotations;
using System.Reflection;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Messaging.Commands;
using EdgeNode.Storage;
using EdgeNode.Telemetry;

namespace EdgeNode.Settings;

/// <summary>
/// One setting the <c>config</c> command may change: its key under <c>EdgeNode:</c>, the options property it
/// binds to (whose data annotations validate the new value) and whether it applies live or at the next start.
/// </summary>
internal sealed record RuntimeSetting(string Key, Type OptionsType, string Property, bool Live)
{
    /// <summary>The whitelist; anything else is refused.</summary>
    public static readonly IReadOnlyList<RuntimeSetting> All =
    [
        new("Telemetry:IntervalSeconds", typeof(TelemetryOptions), nameof(TelemetryOptions.IntervalSeconds), Live: true),
        new("ChangeGate:Enabled", typeof(ChangeGateOptions), nameof(ChangeGateOptions.Enabled), Live: false),
        new("ChangeGate:Threshold", typeof(ChangeGateOptions), nameof(ChangeGateOptions.Threshold), Live: false),
        new("ChangeGate:MaxSkippedFrames", typeof(ChangeGateOptions), nameof(ChangeGateOptions.MaxSkippedFrames), Live: false),
        new("Camera:FramesPerSecond", typeof(CameraOptions), nameof(CameraOptions.FramesPerSecond), Live: false),
        new("Storage:MaxSizeMegabytes", typeof(StorageOptions), nameof(StorageOptions.MaxSizeMegabytes), Live: false),
        new("Storage:DeliveredRetentionHours", typeof(StorageOptions), nameof(StorageOptions.DeliveredRetentionHours), Live: false),
        new("Region:X", typeof(EdgeNode.Pipeline.RegionOptions), nameof(EdgeNode.Pipeline.RegionOptions.X), Live: true),
        new("Region:Y", typeof(EdgeNode.Pipeline.RegionOptions), nameof(EdgeNode.Pipeline.RegionOptions.Y), Live: true),
        new("Region:Width", typeof(EdgeNode.Pipeline.RegionOptions), nameof(EdgeNode.Pipeline.RegionOptions.Width), Live: true),
        new("Region:Height", typeof(EdgeNode.Pipeline.RegionOptions), nameof(EdgeNode.Pipeline.RegionOptions.Height), Live: true),
        new("Prediction:UnknownBelow", typeof(EdgeNode.Pipeline.PredictionOptions), nameof(EdgeNode.Pipeline.PredictionOptions.UnknownBelow), Live: true),
    ];

    private PropertyInfo PropertyInfo => OptionsType.GetProperty(Property) ?? throw new InvalidOperationException($"{OptionsType.Name}.{Property} does not exist.");

    /// <summary>The full configuration key.</summary>
    public string ConfigurationKey => "EdgeNode:" + Key;

    /// <summary>Finds a whitelisted setting (keys are case-insensitive, as in configuration).</summary>
    public static RuntimeSetting? Find(string key) =>
        All.FirstOrDefault(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value's JSON if it has the property's type and passes its validation; otherwise throws <see cref="CommandException"/>.</summary>
    public JsonNode Validate(JsonElement value)
    {
        var type = PropertyInfo.PropertyType;
        object boxed;
        if (type == typeof(bool) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            boxed = value.GetBoolean();
        }
        else if (type == typeof(int) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var integer))
        {
            boxed = integer;
        }
        else if (type == typeof(double) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
        {
            boxed = number;
        }
        else
        {
            throw new CommandException($"'{Key}' must be a {(type == typeof(bool) ? "boolean" : type == typeof(int) ? "32-bit integer" : "finite number")}.");
        }

        var results = new List<ValidationResult>();
        var context = new ValidationContext(Activator.CreateInstance(OptionsType)!) { MemberName = Property };
        if (!Validator.TryValidateValue(boxed, context, results, PropertyInfo.GetCustomAttributes<ValidationAttribute>()))
        {
            throw new CommandException($"'{Key}': {string.Join(" ", results.Select(r => r.ErrorMessage))}");
        }

        return JsonValue.Create(boxed)!;
    }

    /// <summary>The effective value: the configured one, or the options' default.</summary>
    public JsonNode? Current(string? configured)
    {
        var type = PropertyInfo.PropertyType;
        if (configured is null)
        {
            return JsonValue.Create(PropertyInfo.GetValue(Activator.CreateInstance(OptionsType)));
        }

        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        return type == typeof(bool) && bool.TryParse(configured, out var b) ? JsonValue.Create(b)
            : type == typeof(int) && int.TryParse(configured, invariant, out var i) ? JsonValue.Create(i)
            : type == typeof(double) && double.TryParse(configured, invariant, out var d) ? JsonValue.Create(d)
            : JsonValue.Create(configured);
    }
}
