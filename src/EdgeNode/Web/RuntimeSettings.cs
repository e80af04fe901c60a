using EdgeNode.Settings;

namespace EdgeNode.Web;

/// <summary>Changes run-time settings as <c>cmd/config</c> does: one atomic write of <c>runtime-settings.json</c>, then a reload so live settings apply.</summary>
internal static class RuntimeSettings
{
    public static async Task ApplyAsync(RuntimeSettingsFile file, IConfiguration configuration, Action<Dictionary<string, JsonNode>> change, CancellationToken cancellationToken)
    {
        await file.UpdateAsync(change, cancellationToken);
        if (configuration is IConfigurationRoot root)
        {
            root.Reload();
        }
    }
}
