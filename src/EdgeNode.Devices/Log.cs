using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices;

/// <summary>Source-generated log messages of the capture assembly.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Camera {Source}: started child process {ProcessId}")]
    public static partial void ProcessStarted(ILogger logger, string source, int processId);

    [LoggerMessage(2, LogLevel.Warning, "Camera {Source}: child process exited with code {ExitCode}; restarting in {Delay}")]
    public static partial void ProcessExited(ILogger logger, string source, int exitCode, TimeSpan delay);

    [LoggerMessage(3, LogLevel.Error, "Camera {Source}: child process could not be started; retrying in {Delay}")]
    public static partial void ProcessStartFailed(ILogger logger, Exception exception, string source, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Warning, "Camera {Source} stderr: {Line}")]
    public static partial void ProcessStderr(ILogger logger, string source, string line);

    [LoggerMessage(5, LogLevel.Warning, "Camera {Source}: skipped a corrupt JPEG frame of {Length} bytes")]
    public static partial void CorruptFrame(ILogger logger, string source, int length);

    [LoggerMessage(6, LogLevel.Warning, "Camera {Source}: skipped image {Path} that could not be read")]
    public static partial void ImageUnreadable(ILogger logger, Exception exception, string source, string path);

    [LoggerMessage(7, LogLevel.Error, "Camera {Source}: capture failed; reopening in {Delay}")]
    public static partial void CaptureFailed(ILogger logger, Exception exception, string source, TimeSpan delay);

    [LoggerMessage(10, LogLevel.Warning, "Sensor {Sensor}: read failed ({Failures} in a row); retrying in {Delay}")]
    public static partial void SensorReadFailed(ILogger logger, Exception exception, string sensor, int failures, TimeSpan delay);

    [LoggerMessage(11, LogLevel.Information, "Sensor {Sensor}: answering again after {Failures} failed reads")]
    public static partial void SensorRecovered(ILogger logger, string sensor, int failures);

    [LoggerMessage(12, LogLevel.Error, "Sensor {Sensor}: the readings handler failed")]
    public static partial void SensorHandlerFailed(ILogger logger, Exception exception, string sensor);

    [LoggerMessage(20, LogLevel.Information, "Label button on pin {Pin} pressed: {Label}")]
    public static partial void ButtonPressed(ILogger logger, int pin, string label);

    [LoggerMessage(21, LogLevel.Error, "Label button on pin {Pin}: a press handler failed")]
    public static partial void ButtonHandlerFailed(ILogger logger, Exception exception, int pin);
}
