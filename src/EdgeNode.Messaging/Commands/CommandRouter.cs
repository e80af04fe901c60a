using System.Collections.Frozen;
using System.Text.Json;
using System.Threading.Channels;
using EdgeNode.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeNode.Messaging.Commands;

/// <summary>
/// Subscribes <c>{prefix}/{node}/cmd/+</c>, checks size and JSON, and hands each command to the registered
/// <see cref="ICommandHandler"/> for its verb, one at a time on a worker (the MQTT receive loop never waits
/// for a handler). The reply goes to the MQTT v5 response topic with the request's correlation data.
/// </summary>
public sealed class CommandRouter : BackgroundService
{
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 32 };
    private readonly IMessageBus _bus;
    private readonly NodeTopics _topics;
    private readonly CommandOptions _options;
    private readonly ILogger _logger;
    private readonly FrozenDictionary<string, ICommandHandler> _handlers;
    private readonly Channel<BusMessage> _queue;
    private long _retainedDropped;

    /// <summary>Creates the router over <paramref name="handlers"/> (one per verb).</summary>
    public CommandRouter(IMessageBus bus, NodeTopics topics, IEnumerable<ICommandHandler> handlers, CommandOptions options, ILogger<CommandRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        _bus = bus ?? throw new ArgumentNullException(nameof(bus));
        _topics = topics ?? throw new ArgumentNullException(nameof(topics));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger;
        var byVerb = new Dictionary<string, ICommandHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (string.IsNullOrEmpty(handler.Verb) || handler.Verb.AsSpan().IndexOfAny("/+#") >= 0)
            {
                throw new ArgumentException($"'{handler.Verb}' is not a valid command verb (one topic level).", nameof(handlers));
            }

            if (!byVerb.TryAdd(handler.Verb, handler))
            {
                throw new ArgumentException($"Two handlers registered for the verb '{handler.Verb}'.", nameof(handlers));
            }
        }

        _handlers = byVerb.ToFrozenDictionary(StringComparer.Ordinal);
        _queue = Channel.CreateBounded<BusMessage>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true });
    }

    /// <summary>The registered verbs.</summary>
    public IReadOnlyCollection<string> Verbs => _handlers.Keys;

    /// <summary>Retained commands dropped unexecuted since start (a retained command would run again at every reconnect).</summary>
    public long RetainedDropped => Interlocked.Read(ref _retainedDropped);

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the connection comes up: the bus restores it on every (re)connect. Retained commands are
        // not sent at subscribe time (retain handling 2); EnqueueAsync drops any that come retained anyway.
        await _bus.SubscribeWithoutRetainedAsync(_topics.Command("+"), EnqueueAsync, cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// Checks, parses and runs one command: the whole path a message takes except the transport. Never throws
    /// for a bad payload; every failure is an error reply.
    /// </summary>
    public async Task<CommandReply> DispatchAsync(string verb, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            return CommandReply.Failure(CommandErrorCodes.PayloadTooLarge, $"The payload is {payload.Length} bytes; at most {_options.MaxPayloadBytes} are accepted.");
        }

        if (!_handlers.TryGetValue(verb, out var handler))
        {
            return CommandReply.Failure(CommandErrorCodes.UnknownVerb, $"Unknown command '{verb}'; known: {string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal))}.");
        }

        JsonElement arguments;
        try
        {
            arguments = Parse(payload);
        }
        catch (JsonException ex)
        {
            return CommandReply.Failure(CommandErrorCodes.MalformedJson, "The payload is not a JSON object: " + ex.Message);
        }

        try
        {
            return await handler.HandleAsync(new CommandRequest(verb, arguments, payload), cancellationToken);
        }
        catch (CommandException ex)
        {
            return CommandReply.Failure(ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Reported, not swallowed: the operator gets an error reply and the log has the stack.
            Log.CommandFailed(_logger, verb, ex);
            return CommandReply.Failure(CommandErrorCodes.Internal, $"The '{verb}' command failed: {ex.Message}");
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var verb = VerbOf(message.Topic);
                var reply = await DispatchAsync(verb, message.Payload, stoppingToken);
                await ReplyAsync(message, verb, reply, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; queued commands are dropped unanswered, as if the node had been offline.
        }
    }

    private static JsonElement Parse(ReadOnlyMemory<byte> payload)
    {
        if (payload.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            using var empty = JsonDocument.Parse("{}"u8.ToArray());
            return empty.RootElement.Clone();
        }

        using var document = JsonDocument.Parse(payload, ParseOptions);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"Expected a JSON object, got {document.RootElement.ValueKind}.");
        }

        RequireText(document.RootElement);

        return document.RootElement.Clone();
    }

    // The parser leaves strings undecoded: bytes that are not UTF-8, or an escaped lone surrogate, would fail later
    // in a handler (found by fuzzing). Every name and string is decoded once here, so they fail as malformed JSON.
    private static void RequireText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        RequireText(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        RequireText(item);
                    }

                    break;
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("A string is not valid UTF-8 or UTF-16: " + ex.Message, ex);
        }
    }

    private static string VerbOf(string topic) => topic[(topic.LastIndexOf('/') + 1)..];

    private async Task EnqueueAsync(BusMessage message, CancellationToken cancellationToken)
    {
        // A broker delivers a message with the retain flag set only from its retained store (at subscribe time): a
        // command someone left retained, which would run again at every reconnect. Never executed, never answered.
        if (message.Retain)
        {
            Interlocked.Increment(ref _retainedDropped);
            Log.RetainedCommandDropped(_logger, message.Topic);
            return;
        }

        // Refused before it waits in the queue: 32 queued payloads of the broker's maximum size would be a lot of memory.
        if (message.Payload.Length > _options.MaxPayloadBytes)
        {
            await ReplyAsync(message, VerbOf(message.Topic), CommandReply.Failure(CommandErrorCodes.PayloadTooLarge, $"The payload is {message.Payload.Length} bytes; at most {_options.MaxPayloadBytes} are accepted."), cancellationToken);
            return;
        }

        if (!_queue.Writer.TryWrite(message))
        {
            await ReplyAsync(message, VerbOf(message.Topic), CommandReply.Failure(CommandErrorCodes.Busy, "Too many commands waiting; retry later."), cancellationToken);
        }
    }

    private async Task ReplyAsync(BusMessage request, string verb, CommandReply reply, CancellationToken cancellationToken)
    {
        if (reply.Error is { } error)
        {
            Log.CommandRejected(_logger, verb, error.Code, error.Message);
        }
        else
        {
            Log.CommandDone(_logger, verb);
        }

        if (string.IsNullOrEmpty(request.ResponseTopic))
        {
            return;
        }

        try
        {
            await _bus.PublishAsync(new BusMessage(request.ResponseTopic, reply.ToJson(), 1, false, null, request.CorrelationData), cancellationToken);
        }
        catch (MessageBusException ex)
        {
            Log.ReplyFailed(_logger, verb, request.ResponseTopic, ex.Message);
        }
    }
}
