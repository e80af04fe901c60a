using System.Diagnostics;
using System.Runtime.CompilerServices;
using EdgeNode.Core;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Devices.Cameras;

/// <summary>
/// <c>process:&lt;command line&gt;</c>: runs a child process (rpicam-vid, gst-launch, ffmpeg) through
/// <c>/bin/sh -c</c> and reads a concatenated MJPEG stream from its standard output. The child is restarted
/// with exponential back-off when it exits, and each line of its standard error is logged.
/// </summary>
public sealed class ProcessFrameSource : CameraSource
{
    private readonly string _commandLine;
    private readonly ILogger<ProcessFrameSource> _logger;
    private int _currentProcessId;

    /// <summary>Creates the source; nothing starts until <see cref="ReadFramesAsync"/> is enumerated.</summary>
    /// <param name="commandLine">Shell command line whose standard output is an MJPEG stream.</param>
    /// <param name="options">Restart back-off and frame size limit.</param>
    /// <param name="counters">Where frames, corrupt frames and restarts are counted.</param>
    /// <param name="timeProvider">Clock for timestamps and back-off delays.</param>
    /// <param name="logger">Logger for child lifecycle and its standard error.</param>
    public ProcessFrameSource(string commandLine, CameraOptions options, CaptureCounters counters, TimeProvider timeProvider, ILogger<ProcessFrameSource> logger)
        : base(options, counters, timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commandLine);
        ArgumentNullException.ThrowIfNull(logger);
        _commandLine = commandLine;
        _logger = logger;
    }

    /// <inheritdoc />
    public override string Name => "process:" + _commandLine;

    /// <summary>Process id of the running child (the shell), or <see langword="null"/> while none runs.</summary>
    public int? CurrentProcessId => Volatile.Read(ref _currentProcessId) is var id and not 0 ? id : null;

    /// <inheritdoc />
    public override async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var backoff = new Backoff(Options.RestartDelay, Options.MaxRestartDelay);
        var failures = 0;
        long sequence = 0;
        using var splitter = new MjpegSplitter(Options.MaxFrameBytes);
        var firstStart = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (!firstStart)
            {
                Counters.Restarted();
            }

            firstStart = false;
            Process process;
            try
            {
                process = Start();
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                failures++;
                var delay = backoff.DelayFor(failures);
                Log.ProcessStartFailed(_logger, ex, Name, delay);
                await Task.Delay(delay, Clock, cancellationToken);
                continue;
            }

            var framesThisRun = 0L;
            using (process)
            {
                Volatile.Write(ref _currentProcessId, process.Id);
                Log.ProcessStarted(_logger, Name, process.Id);
                var stderr = PumpStderrAsync(process, cancellationToken);
                splitter.Reset();
                var stdout = process.StandardOutput.BaseStream;
                try
                {
                    while (true)
                    {
                        int read;
                        try
                        {
                            read = await stdout.ReadAsync(splitter.GetWriteMemory(), cancellationToken);
                        }
                        catch (IOException)
                        {
                            break; // the pipe broke: the child died
                        }

                        if (read == 0)
                        {
                            break;
                        }

                        splitter.Advance(read);
                        while (true)
                        {
                            var rejectedBefore = splitter.Rejected;
                            var got = TryNextFrame(splitter, ref sequence, out var frame);
                            for (var i = rejectedBefore; i < splitter.Rejected; i++)
                            {
                                Counters.CorruptFrame();
                                Log.CorruptFrame(_logger, Name, splitter.LastRejectedLength);
                            }

                            if (!got)
                            {
                                break;
                            }

                            framesThisRun++;
                            Counters.FrameCaptured();
                            yield return frame;
                        }
                    }
                }
                finally
                {
                    Volatile.Write(ref _currentProcessId, 0);
                    await StopAsync(process);
                    await stderr;
                }

                // A child that delivered frames was healthy: start the back-off from scratch.
                failures = framesThisRun > 0 ? 1 : failures + 1;
                var delay = backoff.DelayFor(failures);
                Log.ProcessExited(_logger, Name, process.HasExited ? process.ExitCode : -1, delay);
                await Task.Delay(delay, Clock, cancellationToken);
            }
        }
    }

    private bool TryNextFrame(MjpegSplitter splitter, ref long sequence, out Frame frame)
    {
        if (!splitter.TryReadFrame(out var jpeg, out var width, out var height))
        {
            frame = null!;
            return false;
        }

        frame = Frame.Copy(++sequence, Clock.GetUtcNow(), width, height, FrameFormat.Jpeg, jpeg);
        return true;
    }

    private Process Start()
    {
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(_commandLine);
        return Process.Start(info) ?? throw new InvalidOperationException("The child process did not start.");
    }

    private async Task PumpStderrAsync(Process process, CancellationToken cancellationToken)
    {
        try
        {
            while (await process.StandardError.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length > 0)
                {
                    Log.ProcessStderr(_logger, Name, line);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (IOException)
        {
            // The pipe closed with the child.
        }
    }

    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            // Reap the child; the kill makes this quick, the limit only guards against a stuck zombie.
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await process.WaitForExitAsync(limit.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            // Did not exit in time; nothing more to do for it.
        }
    }
}
