using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Pipeline;

namespace EdgeNode.Pipeline;

/// <summary>One camera as configured: the source, its change gate and its region (null: none, or the node's editable one for the first camera).</summary>
/// <param name="Key">The configuration key it came from (<c>EdgeNode:Camera</c> or <c>EdgeNode:Cameras:N</c>), for errors.</param>
/// <param name="Name">Its name in results, telemetry and Home Assistant.</param>
/// <param name="Camera">Source, size, rate and restart settings.</param>
/// <param name="Gate">Its change gate (the node's <c>EdgeNode:ChangeGate</c> with the camera's own keys over it).</param>
/// <param name="Region">Its own region, or null.</param>
internal sealed record CameraSettings(string Key, string Name, CameraOptions Camera, ChangeGateOptions Gate, RegionOptions? Region);
