using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeNode.Messaging.Commands;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Messaging.Tests;

/// <summary>Runs alone: it measures the bytes the whole process allocates.</summary>
[CollectionDefinition(nameof(AllocationMeasuring), DisableParallelization = true)]
public sealed class AllocationMeasuring;

/// <summary>A huge command never reaches the node's memory (issue 20, item 11).</summary>
[Collection(nameof(AllocationMeasuring))]
public sealed class OversizedCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Command_64MiBPayload_RefusedWithoutTheNodeAllocatingIt_LaterCommandsServed()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var echo = new EchoHandler();
        await using var node = await RunningBus.StartAsync(broker.Port, "big", o => o.MaxPacketBytes = 1024 * 1024);
        var router = new CommandRouter(node.Bus, new NodeTopics("edgenode", "big"), [echo], new CommandOptions(), NullLogger<CommandRouter>.Instance);
        await router.StartAsync(CancellationToken.None);
        await using var client = await CommandClient.ConnectAsync(broker.Port);
        await client.WaitReadyAsync("edgenode/big/cmd/echo", Timeout);
        var calls = echo.Calls;
        var huge = _dir.File("huge.json");
        await using (var file = File.Create(huge))
        {
            file.SetLength(64L * 1024 * 1024);
        }

        // Sent by another process, so the bytes this process allocates are the node's alone.
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await PublishFileAsync(broker.Port, "edgenode/big/cmd/echo", huge);
        var after = await client.SendAsync("edgenode/big/cmd/echo", "{}"u8.ToArray(), Timeout);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(after.Ok);
        Assert.Equal(calls + 1, echo.Calls);
        Assert.True(allocated < 16L * 1024 * 1024, $"the node allocated {allocated} bytes for a 64 MiB command it refused");
        Assert.True(node.Bus.IsConnected);
        await router.StopAsync(CancellationToken.None);
    }

    public void Dispose() => _dir.Dispose();

    private static async Task PublishFileAsync(int port, string topic, string path)
    {
        var info = new ProcessStartInfo("mosquitto_pub", ["-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-V", "mqttv5", "-q", "1", "-t", topic, "-f", path])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto_pub did not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
    }

    private sealed class EchoHandler : ICommandHandler
    {
        private int _calls;

        public string Verb => "echo";

        public int Calls => Volatile.Read(ref _calls);

        public Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(CommandReply.Success(new JsonObject()));
        }
    }
}
