using EdgeNode.Messaging.Commands;
using EdgeNode.Outbox;

namespace EdgeNode.Settings;

/// <summary>
/// <c>cmd/config</c>: <c>{"set": {"Telemetry:IntervalSeconds": 2}, "reset": ["ChangeGate:Threshold"]}</c>.
/// Only <see cref="RuntimeSetting.All"/> may change; every value is validated with its options' rules before
/// anything is written, so a rejected request changes nothing. Accepted changes are persisted
/// (<see cref="RuntimeSettingsFile"/>) and the configuration is reloaded: live settings apply at once, the
/// others at the next start. An empty request only reports the settings.
/// </summary>
internal sealed class ConfigCommandHandler(IConfiguration configuration, RuntimeSettingsFile file, DeferredOutboxStore outbox) : ICommandHandler
{
    public string Verb => "config";

    public async Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandArguments.RejectUnknown(request.Arguments, "set", "reset");
        var changes = new Dictionary<RuntimeSetting, JsonNode?>();
        if (request.Arguments.TryGetProperty("set", out var set))
        {
            if (set.ValueKind != JsonValueKind.Object)
            {
                throw new CommandException("'set' must be an object of setting → value.");
            }

            foreach (var property in set.EnumerateObject())
            {
                var setting = Whitelisted(property.Name);
                if (!changes.TryAdd(setting, setting.Validate(property.Value)))
                {
                    throw new CommandException($"'{setting.Key}' is given twice.");
                }
            }
        }

        if (request.Arguments.TryGetProperty("reset", out var reset))
        {
            if (reset.ValueKind != JsonValueKind.Array)
            {
                throw new CommandException("'reset' must be an array of setting names.");
            }

            foreach (var item in reset.EnumerateArray())
            {
                var setting = Whitelisted(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new CommandException("'reset' items must be strings."));
                if (!changes.TryAdd(setting, null))
                {
                    throw new CommandException($"'{setting.Key}' is given twice.");
                }
            }
        }

        await RefuseDroppingTheBacklogAsync(changes, cancellationToken);

        // One read-modify-write step: the web page changes settings too (PUT /api/region).
        if (changes.Count > 0)
        {
            await file.UpdateAsync(
                persisted =>
                {
                    foreach (var (setting, value) in changes)
                    {
                        if (value is null)
                        {
                            persisted.Remove(setting.Key);
                        }
                        else
                        {
                            persisted[setting.Key] = value;
                        }
                    }
                },
                cancellationToken);
            if (configuration is IConfigurationRoot root)
            {
                root.Reload();
            }
        }

        return CommandReply.Success(Report(changes.Keys));
    }

    // A size cap below what is still undelivered would make retention drop it at the next start.
    private async Task RefuseDroppingTheBacklogAsync(Dictionary<RuntimeSetting, JsonNode?> changes, CancellationToken cancellationToken)
    {
        var cap = changes.FirstOrDefault(c => c.Key.Key == "Storage:MaxSizeMegabytes").Value;
        if (cap is null)
        {
            return;
        }

        var pending = await outbox.GetPendingBytesAsync(cancellationToken);
        var megabytes = cap.GetValue<double>();
        if (megabytes * 1024 * 1024 < pending)
        {
            throw new CommandException("would_drop_backlog", $"Storage:MaxSizeMegabytes {megabytes} is below the undelivered backlog (about {Math.Ceiling(pending / 1048576.0)} MiB); it would be dropped at the next start. Nothing was changed: let the backlog drain or choose at least {Math.Ceiling(pending / 1048576.0)}.");
        }
    }

    private static RuntimeSetting Whitelisted(string key) =>
        RuntimeSetting.Find(key) ?? throw new CommandException("not_allowed", $"'{key}' cannot be changed at run time; allowed: {string.Join(", ", RuntimeSetting.All.Select(s => s.Key))}.");

    private JsonObject Report(IEnumerable<RuntimeSetting> changed)
    {
        var settings = new JsonObject();
        foreach (var setting in RuntimeSetting.All)
        {
            settings[setting.Key] = new JsonObject
            {
                ["value"] = setting.Current(configuration[setting.ConfigurationKey]),
                ["applies"] = setting.Live ? "live" : "restart",
            };
        }

        var restart = changed.Where(s => !s.Live).Select(s => (JsonNode)JsonValue.Create(s.Key)).ToArray();
        return new JsonObject
        {
            ["settings"] = settings,
            ["restartRequired"] = new JsonArray(restart),
            ["file"] = file.Path,
        };
    }
}
