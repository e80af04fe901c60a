using EdgeNode.Messaging.Commands;
using EdgeNode.Storage;

namespace EdgeNode.Settings;

/// <summary>Registers the settings the <c>config</c> command changes: their file as the last configuration source, and the command.</summary>
internal static class SettingsHostBuilderExtensions
{
    /// <summary>
    /// Adds <c>runtime-settings.json</c> (next to the database) as the last, winning configuration source. Call it before
    /// any section is read: the features read some settings (sensors, health period, OTLP) while registering.
    /// </summary>
    /// <exception cref="InvalidOperationException">No database path is configured.</exception>
    public static IHostApplicationBuilder AddRuntimeSettings(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // The file lives next to the database, so the path is needed before options validation.
        var databasePath = builder.Configuration[StorageOptions.Section + ":Path"] ?? new StorageOptions().Path;
        if (string.IsNullOrWhiteSpace(databasePath))
        {
            throw new InvalidOperationException($"{StorageOptions.Section}:Path (EdgeNode__Storage__Path): a database path is required.");
        }

        var file = RuntimeSettingsFile.NextTo(databasePath);
        file.AddTo(builder.Configuration);
        builder.Services.AddSingleton(file);
        builder.Services.AddSingleton<ICommandHandler, ConfigCommandHandler>();
        return builder;
    }
}
