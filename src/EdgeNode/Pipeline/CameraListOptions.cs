using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;

namespace EdgeNode.Pipeline;

/// <summary>
/// The node's cameras: the <c>EdgeNode:Cameras:N</c> list when it has entries, otherwise the one camera of
/// <c>EdgeNode:Camera</c>. Read from the configuration directly because a list entry without <c>Source</c> must be an
/// error, not the synthetic default.
/// </summary>
internal sealed class CameraListOptions
{
    /// <summary>The list's configuration section.</summary>
    public const string Section = "EdgeNode:Cameras";

    /// <summary>The name of the camera of the one-camera form unless <c>EdgeNode:Camera:Name</c> says otherwise.</summary>
    public const string DefaultName = "camera";

    /// <summary>The cameras, in configuration order.</summary>
    public IReadOnlyList<CameraSettings> Cameras { get; private set; } = [];

    /// <summary>What is wrong with the list, each naming its key and environment variable.</summary>
    public IReadOnlyList<string> Failures { get; private set; } = [];

    /// <summary>Reads the cameras from <paramref name="configuration"/>.</summary>
    public void Read(IConfiguration configuration)
    {
        var gate = configuration.GetSection(ChangeGateOptions.Section).Get<ChangeGateOptions>() ?? new ChangeGateOptions();
        var failures = new List<string>();
        var entries = configuration.GetSection(Section).GetChildren().ToList();
        if (entries.Count == 0)
        {
            var single = configuration.GetSection(CameraOptions.Section).Get<CameraOptions>() ?? new CameraOptions();
            Cameras = [new CameraSettings(CameraOptions.Section, single.Name ?? DefaultName, single, gate, null)];
            Failures = failures;
            return;
        }

        var cameras = new List<CameraSettings>();
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            var key = entry.Path;
            if (string.IsNullOrWhiteSpace(entry["Source"]))
            {
                failures.Add(SectionValidator<CameraOptions>.Describe(key + ":Source", "every camera of the list needs a source (synthetic, folder:<dir>, process:<command line> or v4l2:/dev/videoN)."));
            }

            var name = entry["Name"];
            if (string.IsNullOrWhiteSpace(name))
            {
                failures.Add(SectionValidator<CameraOptions>.Describe(key + ":Name", "every camera of the list needs a name (it goes into each result as 'camera')."));
                continue;
            }

            if (names.TryGetValue(name, out var first))
            {
                failures.Add(SectionValidator<CameraOptions>.Describe(key + ":Name", $"'{name}' is already the name of {first}; camera names must be unique."));
                continue;
            }

            names[name] = key;
            var camera = entry.Get<CameraOptions>() ?? new CameraOptions();
            var cameraGate = gate with { };
            entry.GetSection("ChangeGate").Bind(cameraGate);
            var region = entry.GetSection("Region").Get<RegionOptions>();
            failures.AddRange(Validate(camera, key));
            failures.AddRange(Validate(cameraGate, key + ":ChangeGate"));
            if (region is not null)
            {
                failures.AddRange(Validate(region, key + ":Region"));
            }

            cameras.Add(new CameraSettings(key, name, camera, cameraGate, region is { IsSet: true } ? region : null));
        }

        Cameras = cameras;
        Failures = failures;
    }

    private static IEnumerable<string> Validate<T>(T options, string key)
        where T : class =>
        new SectionValidator<T>(key).Validate(null, options) is { Failed: true } result ? result.Failures : [];
}
