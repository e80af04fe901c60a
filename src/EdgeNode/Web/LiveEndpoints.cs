using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using EdgeNode.Health;
using EdgeNode.Learning;
using EdgeNode.Pipeline;
using EdgeNode.Telemetry;
using Microsoft.AspNetCore.Http.Features;

namespace EdgeNode.Web;

/// <summary><c>GET /api/frame.jpg</c>, <c>GET /api/live</c> (MJPEG, <c>multipart/x-mixed-replace</c>) and <c>GET /api/events</c> (Server-Sent Events).</summary>
internal static class LiveEndpoints
{
    private const string Boundary = "edgenode-frame";

    public static RouteGroupBuilder MapLive(this RouteGroupBuilder api)
    {
        api.MapGet("/frame.jpg", Frame);
        api.MapGet("/live", LiveAsync);
        api.MapGet("/events", (LiveValues live, TelemetryCollector telemetry, HealthState health, TrainingProgress training, ActiveHead head, NodeIdentity identity, TimeProvider time, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(EventsAsync(live, telemetry, health, training, head, identity, time, cancellationToken)));
        return api;
    }

    private static IResult Frame(LiveJpeg jpeg)
    {
        try
        {
            return jpeg.Latest() is { } snapshot
                ? TypedResults.Bytes(snapshot.Jpeg.ToArray(), "image/jpeg")
                : WebErrors.Error("no_frame", "No frame has been captured yet.");
        }
        catch (InvalidDataException ex)
        {
            return WebErrors.Error("no_frame", ex.Message);
        }
    }

    private static async Task LiveAsync(HttpContext context, LiveJpeg jpeg, TimeProvider time)
    {
        var response = context.Response;
        var stop = context.RequestAborted;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "multipart/x-mixed-replace; boundary=" + Boundary;
        long lastSequence = -1;
        var lastTimestamp = DateTimeOffset.MinValue;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var snapshot = jpeg.Latest();
                if (snapshot is not null && (snapshot.Sequence != lastSequence || snapshot.Timestamp != lastTimestamp))
                {
                    lastSequence = snapshot.Sequence;
                    lastTimestamp = snapshot.Timestamp;
                    var header = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {snapshot.Jpeg.Length}\r\nX-Frame-Seq: {snapshot.Sequence}\r\n\r\n");
                    await response.Body.WriteAsync(header, stop);
                    await response.Body.WriteAsync(snapshot.Jpeg, stop);
                    await response.Body.WriteAsync("\r\n"u8.ToArray(), stop);
                    await response.Body.FlushAsync(stop);
                }

                await Task.Delay(jpeg.Interval, time, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The viewer left.
        }
        catch (InvalidDataException)
        {
            // The last frame cannot be encoded: end the stream; the page reconnects.
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        LiveValues live,
        TelemetryCollector telemetry,
        HealthState health,
        TrainingProgress training,
        ActiveHead head,
        NodeIdentity identity,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? lastResult = null;
        DateTimeOffset? lastTelemetry = null;
        long lastTraining = -1;
        int? lastHead = -1;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200), time);
        do
        {
            if (live.LastResult is { } result && result.Id != lastResult)
            {
                lastResult = result.Id;
                yield return new SseItem<string>(Encoding.UTF8.GetString(ResultJson.Serialize(result, identity.NodeId)), "result");
            }

            if (telemetry.Latest is { } snapshot && snapshot.Timestamp != lastTelemetry)
            {
                lastTelemetry = snapshot.Timestamp;
                yield return new SseItem<string>(Encoding.UTF8.GetString(TelemetryJson.Serialize(snapshot, identity.NodeId, health)), "telemetry");
            }

            if (training.Revision != lastTraining)
            {
                lastTraining = training.Revision;
                yield return new SseItem<string>(HeadEndpoints.TrainingJson(training.State).ToJsonString(), "training");
            }

            var version = head.Current?.Info.Version;
            if (version != lastHead)
            {
                lastHead = version;
                yield return new SseItem<string>(new System.Text.Json.Nodes.JsonObject { ["headVersion"] = version }.ToJsonString(), "head");
            }
        }
        while (await WaitAsync(timer, cancellationToken));
    }

    private static async ValueTask<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
