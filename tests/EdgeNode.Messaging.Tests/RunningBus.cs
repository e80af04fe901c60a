using EdgeNode.Core;

namespace EdgeNode.Messaging.Tests;

/// <summary>
/// An <see cref="MqttMessageBus"/> with its reconnect loop running; disposing stops the loop and awaits it, so a
/// loop that crashed fails the test.
/// </summary>
internal sealed class RunningBus : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private RunningBus(MqttMessageBus bus, ListLogger<MqttMessageBus> logger)
    {
        Bus = bus;
        Logger = logger;
    }

    public MqttMessageBus Bus { get; }

    public ListLogger<MqttMessageBus> Logger { get; }

    /// <summary>The loop, for asserting that it is still running.</summary>
    public Task Loop => _loop;

    /// <summary>
    /// Creates the bus of node <paramref name="node"/> on 127.0.0.1:<paramref name="port"/>, lets
    /// <paramref name="configure"/> set credentials or TLS, subscribes <paramref name="subscriptions"/> and starts the loop.
    /// </summary>
    public static async Task<RunningBus> StartAsync(int port, string node, Action<MqttOptions>? configure = null, params (string Filter, Func<BusMessage, CancellationToken, Task> Handler)[] subscriptions)
    {
        var options = new MqttOptions { Host = "127.0.0.1", Port = port, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1, MaxReconnectDelaySeconds = 0.5 };
        configure?.Invoke(options);
        var logger = new ListLogger<MqttMessageBus>();
        var running = new RunningBus(new MqttMessageBus(options, new NodeTopics("edgenode", node), "edgenode-" + node, logger, TimeProvider.System), logger);
        foreach (var (filter, handler) in subscriptions)
        {
            await running.Bus.SubscribeAsync(filter, handler, CancellationToken.None);
        }

        running._loop = running.Bus.RunAsync(running._stop.Token);
        return running;
    }

    public Task WaitConnectedAsync() => WaitAsync(() => Bus.IsConnected, "connection");

    /// <summary>Waits until a warning or error was logged that contains <paramref name="text"/>.</summary>
    public async Task<string> WaitLoggedAsync(string text)
    {
        await WaitAsync(
            () => Logger.Entries.Any(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains(text, StringComparison.Ordinal)),
            $"a warning containing '{text}'");
        return Logger.Text;
    }

    public async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}. Log:\n{Logger.Text}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await Bus.DisposeAsync();
        _stop.Dispose();
    }
}
