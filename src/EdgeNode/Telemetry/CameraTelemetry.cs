namespace EdgeNode.Telemetry;

/// <summary>One camera's counters in the telemetry message (<c>cameras</c>).</summary>
/// <param name="Name">The camera's name (<c>camera</c> in results).</param>
/// <param name="Source">Its source (<c>synthetic</c>, <c>process:…</c>, …).</param>
/// <param name="FramesIn">Frames captured.</param>
/// <param name="FramesDropped">Frames dropped because inference was behind.</param>
/// <param name="Inferences">Inferences run on its frames.</param>
/// <param name="FramesSkipped">Frames whose result the change gate reused.</param>
/// <param name="FramesFailed">Corrupt frames and frames that failed inference.</param>
/// <param name="CaptureRestarts">Restarts of its capture.</param>
/// <param name="QueueDepth">Frames waiting now.</param>
/// <param name="Fps">Inferences per second over the window.</param>
/// <param name="LatencyP95Ms">95th percentile of take-to-result latency.</param>
/// <param name="Running">False once its capture stopped for good.</param>
public sealed record CameraTelemetry(
    string Name, string Source, long FramesIn, long FramesDropped, long Inferences, long FramesSkipped, long FramesFailed, long CaptureRestarts, int QueueDepth, double Fps, double LatencyP95Ms, bool Running);
