using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeNode.Messaging.Commands;
using EdgeNode.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeNode.Messaging.Tests;

/// <summary>The command router: parsing and errors in-process, and round trips through a real mosquitto.</summary>
public sealed class CommandRouterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task DispatchAsync_UnknownVerb_UnknownVerbError()
    {
        var echo = new EchoHandler();
        var router = CreateRouter(CreateBus(1, "u"), "u", echo);

        var reply = await router.DispatchAsync("nope", "{}"u8.ToArray(), CancellationToken.None);

        Assert.False(reply.Ok);
        Assert.Equal(CommandErrorCodes.UnknownVerb, reply.Error!.Code);
        Assert.Equal(0, echo.Calls);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("{\"a\":1}}")]
    [InlineData("\u00ff\u00fe")]
    public async Task DispatchAsync_MalformedJson_MalformedJsonErrorAndHandlerNotCalled(string payload)
    {
        var echo = new EchoHandler();
        var router = CreateRouter(CreateBus(1, "m"), "m", echo);

        var reply = await router.DispatchAsync("echo", Encoding.Latin1.GetBytes(payload), CancellationToken.None);

        Assert.Equal(CommandErrorCodes.MalformedJson, reply.Error!.Code);
        Assert.Equal(0, echo.Calls);
    }

    [Fact]
    public async Task DispatchAsync_OversizedPayload_PayloadTooLargeAndHandlerNotCalled()
    {
        var echo = new EchoHandler();
        var router = CreateRouter(CreateBus(1, "o"), "o", echo);
        var payload = Encoding.UTF8.GetBytes("{\"text\":\"" + new string('x', 5000) + "\"}");

        var reply = await router.DispatchAsync("echo", payload, CancellationToken.None);

        Assert.Equal(CommandErrorCodes.PayloadTooLarge, reply.Error!.Code);
        Assert.Equal(0, echo.Calls);
    }

    [Fact]
    public async Task DispatchAsync_EmptyPayload_IsAnEmptyObject()
    {
        var echo = new EchoHandler();
        var router = CreateRouter(CreateBus(1, "e"), "e", echo);

        var reply = await router.DispatchAsync("echo", ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        Assert.True(reply.Ok);
        Assert.Equal("{\"ok\":true,\"echo\":null}", Encoding.UTF8.GetString(reply.ToJson()));
    }

    [Fact]
    public async Task DispatchAsync_HandlerThrowsCommandException_ErrorWithItsCode()
    {
        var router = CreateRouter(CreateBus(1, "x"), "x", new EchoHandler());

        var reply = await router.DispatchAsync("echo", "{\"text\":5}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(CommandErrorCodes.InvalidArgument, reply.Error!.Code);
        Assert.Contains("'text'", reply.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchAsync_HandlerBug_InternalError()
    {
        var router = CreateRouter(CreateBus(1, "b"), "b", new EchoHandler());

        var reply = await router.DispatchAsync("echo", "{\"text\":\"crash\"}"u8.ToArray(), CancellationToken.None);

        Assert.Equal(CommandErrorCodes.Internal, reply.Error!.Code);
    }

    [Fact]
    public void Constructor_TwoHandlersForOneVerb_Throws()
    {
        Assert.Throws<ArgumentException>(() => CreateRouter(CreateBus(1, "d"), "d", new EchoHandler(), new EchoHandler()));
    }

    [Fact]
    public async Task Command_OverMosquitto_RepliesOnResponseTopicWithCorrelationData_AndSurvivesBadOnes()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var bus = CreateBus(broker.Port, "r1");
        var echo = new EchoHandler();
        var router = CreateRouter(bus, "r1", echo);
        using var cts = new CancellationTokenSource();
        await router.StartAsync(cts.Token);
        var loop = bus.RunAsync(cts.Token);
        await WaitAsync(() => bus.IsConnected);
        await using var client = await CommandClient.ConnectAsync(broker.Port);

        var bad = await client.SendAsync("edgenode/r1/cmd/echo", "{not json", Timeout);
        var unknown = await client.SendAsync("edgenode/r1/cmd/launch", "{}", Timeout);
        var tooBig = await client.SendAsync("edgenode/r1/cmd/echo", new byte[4096], Timeout);
        var good = await client.SendAsync("edgenode/r1/cmd/echo", "{\"text\":\"hi\"}", Timeout);

        Assert.Equal(CommandErrorCodes.MalformedJson, bad.ErrorCode);
        Assert.Equal(CommandErrorCodes.UnknownVerb, unknown.ErrorCode);
        Assert.Equal(CommandErrorCodes.PayloadTooLarge, tooBig.ErrorCode);
        Assert.False(bad.Ok);
        Assert.True(good.Ok);
        Assert.Equal("hi", good.Root.GetProperty("echo").GetString());
        Assert.Equal(1, echo.Calls);
        Assert.True(bus.IsConnected);

        await cts.CancelAsync();
        await loop;
        await router.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Rebirth_OverMosquitto_RepublishesBirthAndConnectedCallbacks()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var bus = CreateBus(broker.Port, "r2");
        var births = 0;
        bus.Connected += _ =>
        {
            Interlocked.Increment(ref births);
            return Task.CompletedTask;
        };
        var router = CreateRouter(bus, "r2", new RebirthCommandHandler(bus));
        using var cts = new CancellationTokenSource();
        await router.StartAsync(cts.Token);
        var loop = bus.RunAsync(cts.Token);
        await WaitAsync(() => bus.IsConnected);
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgenode/r2/status");
        await probe.WaitUntilAsync(m => m.Count == 1, Timeout, "retained birth");
        await using var client = await CommandClient.ConnectAsync(broker.Port);

        var extra = await client.SendAsync("edgenode/r2/cmd/rebirth", "{\"now\":1}", Timeout);
        var reply = await client.SendAsync("edgenode/r2/cmd/rebirth", string.Empty, Timeout);

        Assert.Equal(CommandErrorCodes.InvalidArgument, extra.ErrorCode);
        Assert.True(reply.Ok);
        var messages = await probe.WaitUntilAsync(m => m.Count == 2, Timeout, "second birth");
        Assert.All(messages, m => Assert.Equal("online", m.Payload));
        Assert.Equal(2, Volatile.Read(ref births));

        await cts.CancelAsync();
        await loop;
        await router.StopAsync(CancellationToken.None);
    }

    private static CommandRouter CreateRouter(MqttMessageBus bus, string node, params ICommandHandler[] handlers) =>
        new(bus, new NodeTopics("edgenode", node), handlers, new CommandOptions { MaxPayloadBytes = 1024 }, NullLogger<CommandRouter>.Instance);

    private static MqttMessageBus CreateBus(int port, string node) => new(
        new MqttOptions { Host = "127.0.0.1", Port = port, EmbeddedBroker = false, ReconnectDelaySeconds = 0.1, MaxReconnectDelaySeconds = 0.5 },
        new NodeTopics("edgenode", node),
        "edgenode-" + node,
        NullLogger<MqttMessageBus>.Instance,
        TimeProvider.System);

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(25);
        }
    }

    /// <summary>Echoes <c>text</c>; <c>crash</c> simulates a handler bug.</summary>
    private sealed class EchoHandler : ICommandHandler
    {
        private int _calls;

        public string Verb => "echo";

        public int Calls => Volatile.Read(ref _calls);

        public Task<CommandReply> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
        {
            CommandArguments.RejectUnknown(request.Arguments, "text");
            var text = CommandArguments.OptionalString(request.Arguments, "text");
            if (text == "crash")
            {
                throw new InvalidOperationException("bug");
            }

            Interlocked.Increment(ref _calls);
            return Task.FromResult(CommandReply.Success(new JsonObject { ["echo"] = text }));
        }
    }
}
