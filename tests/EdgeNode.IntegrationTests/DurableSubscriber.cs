using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeNode.Testing;

namespace EdgeNode.IntegrationTests;

/// <summary>
/// A QoS 1 subscriber with a persistent session: <c>mosquitto_sub -c</c> (clean start off, no session
/// expiry), which reconnects by itself after a broker restart. With a broker that persists sessions it misses
/// nothing published while it or the broker was down, so a test can restart the broker without racing the
/// node's reconnect.
/// </summary>
internal sealed class DurableSubscriber : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();
    private readonly Process _process;
    private int _connacks;

    private DurableSubscriber(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Mosquitto settings that keep sessions across a broker restart (even a SIGKILL, after one autosave).</summary>
    public static string BrokerConfig(string persistenceDirectory) =>
        $"persistence true\npersistence_location {persistenceDirectory}/\nautosave_interval 1\nmax_queued_messages 0\n";

    public IReadOnlyList<ReceivedMessage> Messages => [.. _messages];

    /// <summary>Connects to the broker on <paramref name="port"/> and subscribes to <paramref name="filter"/> at QoS 1.</summary>
    public static async Task<DurableSubscriber> SubscribeAsync(int port, string filter)
    {
        // stdbuf: mosquitto_sub block-buffers a piped stdout; line buffering makes each message visible at once.
        var info = new ProcessStartInfo("stdbuf")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-oL", "mosquitto_sub", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "5", "-c", "-i", "durable-" + Guid.NewGuid().ToString("N")[..8], "-x", "4294967295", "-q", "1", "-t", filter, "-v", "-d"])
        {
            info.ArgumentList.Add(argument);
        }

        var subscriber = new DurableSubscriber(Process.Start(info) ?? throw new InvalidOperationException("mosquitto_sub did not start"));
        await subscriber.WaitForConnackAsync(1);
        return subscriber;
    }

    /// <summary>CONNACKs received so far; read it before restarting the broker and pass it to <see cref="ReconnectAsync"/>.</summary>
    public int Connacks => Volatile.Read(ref _connacks);

    /// <summary>Waits for mosquitto_sub's own reconnect to the restarted broker (same session): a CONNACK after <paramref name="seen"/>.</summary>
    public Task ReconnectAsync(int seen) => WaitForConnackAsync(seen + 1);

    public async Task<IReadOnlyList<ReceivedMessage>> WaitUntilAsync(Func<IReadOnlyList<ReceivedMessage>, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var snapshot = Messages;
            if (condition(snapshot))
            {
                return snapshot;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; received {snapshot.Count}: {string.Join(" | ", snapshot.TakeLast(3).Select(m => m.Topic + " " + m.Payload))}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitForConnackAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (Volatile.Read(ref _connacks) < count)
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"mosquitto_sub did not (re)connect (exited: {_process.HasExited}).");
            }

            await Task.Delay(50);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("Client ", StringComparison.Ordinal) || line.StartsWith("Subscribed ", StringComparison.Ordinal))
        {
            if (line.Contains("received CONNACK (0)", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _connacks);
            }

            return;
        }

        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
        {
            _messages.Enqueue(new ReceivedMessage(line[..space], line[(space + 1)..], false, [], DateTime.UtcNow));
        }
    }
}
