using EdgeNode.Commands;
using EdgeNode.Core;
using EdgeNode.Devices.Cameras;
using EdgeNode.Devices.Gpio;
using EdgeNode.Devices.Pipeline;
using EdgeNode.Devices.Sensors;
using EdgeNode.Health;
using EdgeNode.Inference;
using EdgeNode.Messaging;
using EdgeNode.Messaging.Commands;
using EdgeNode.Messaging.HomeAssistant;
using EdgeNode.Messaging.Sparkplug;
using EdgeNode.Services;
using EdgeNode.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeNode.Hosting;

/// <summary>Builds the node's host: configuration, validated options, and the hosted services in start order.</summary>
public static class NodeHost
{
    /// <summary>Creates the host for <paramref name="args"/> (configuration: appsettings.json, environment, command line).</summary>
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var services = builder.Services;

        // Settings changed by the config command: next to the database, the last (winning) source.
        // The run-time settings file lives next to the database, so the path is needed before options validation.
        var databasePath = builder.Configuration[StorageOptions.Section + ":Path"] ?? new StorageOptions().Path;
        if (string.IsNullOrWhiteSpace(databasePath))
        {
            throw new InvalidOperationException($"{StorageOptions.Section}:Path (EdgeNode__Storage__Path): a database path is required.");
        }

        var runtimeSettings = RuntimeSettingsFile.NextTo(databasePath);
        runtimeSettings.AddTo(builder.Configuration);
        services.AddSingleton(runtimeSettings);
        services.AddSystemd();
        // The health-check library logs every unhealthy evaluation; HealthState logs the changes instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(8));
        services.AddSingleton(TimeProvider.System);

        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.Section).ValidateSection(NodeOptions.Section);
        services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.Section).ValidateSection(MqttOptions.Section).Validate(
            o => !(o.EmbeddedBroker && o.Tls.IsEnabled),
            "EdgeNode:Mqtt:EmbeddedBroker (EdgeNode__Mqtt__EmbeddedBroker): EdgeNode:Mqtt:Tls applies to an external broker; the embedded broker speaks plain MQTT. Set EdgeNode__Mqtt__EmbeddedBroker=false to connect to a TLS broker, or remove the EdgeNode__Mqtt__Tls__* settings.");
        services.AddOptions<SparkplugOptions>().BindConfiguration(SparkplugOptions.Section).ValidateSection(SparkplugOptions.Section);
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateSection(StorageOptions.Section);
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section).ValidateSection(OutboxOptions.Section);
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.Section).ValidateSection(InferenceOptions.Section);
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateSection(TelemetryOptions.Section);
        services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.Section).ValidateSection(OtlpOptions.Section);
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateSection(HealthOptions.Section);
        services.AddOptions<CameraOptions>().BindConfiguration(CameraOptions.SectionName).ValidateSection(CameraOptions.SectionName);
        services.AddOptions<ChangeGateOptions>().BindConfiguration(ChangeGateOptions.SectionName).ValidateSection(ChangeGateOptions.SectionName);
        services.AddOptions<LabelButtonOptions>().BindConfiguration(LabelButtonOptions.SectionName).ValidateSection(LabelButtonOptions.SectionName);
        services.AddOptions<StatusLedOptions>().BindConfiguration(StatusLedOptions.SectionName).ValidateSection(StatusLedOptions.SectionName);
        services.AddOptions<CommandOptions>().BindConfiguration(CommandOptions.Section).ValidateSection(CommandOptions.Section);
        services.AddOptions<HomeAssistantOptions>().BindConfiguration(HomeAssistantOptions.Section).ValidateSection(HomeAssistantOptions.Section);

        services.AddSingleton(sp =>
        {
            var nodeId = sp.GetRequiredService<IOptions<NodeOptions>>().Value.EffectiveNodeId;
            return new NodeIdentity(nodeId, new NodeTopics(sp.GetRequiredService<IOptions<MqttOptions>>().Value.TopicPrefix, nodeId));
        });
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxDeadLetters>();
        services.AddSingleton<CaptureCounters>();
        services.AddSingleton<FrameSourceFactory>();
        services.AddSingleton(sp => sp.GetRequiredService<FrameSourceFactory>().Create(sp.GetRequiredService<IOptions<CameraOptions>>().Value));
        services.AddSingleton(_ => new FrameChannel(capacity: 4));
        services.AddSingleton<ChangeGate>();
        var sensorOptions = builder.Configuration.GetSection(SensorOptions.SectionName).Get<List<SensorOptions>>();
        services.AddSingleton<IBoardHardware, LinuxBoardHardware>();
        services.AddSingleton<IReadOnlyList<ISensor>>(sp => new SensorFactory(sp.GetRequiredService<IBoardHardware>(), sp.GetRequiredService<TimeProvider>()).CreateAll(sensorOptions));
        services.AddModelUpdates();
        services.AddSingleton<IOutboxStore>(sp => SqliteOutboxStore.OpenAsync(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeNode.Storage")).GetAwaiter().GetResult());
        services.AddSingleton(sp => new MqttMessageBus(
            sp.GetRequiredService<IOptions<MqttOptions>>().Value,
            sp.GetRequiredService<NodeIdentity>().Topics,
            "edgenode-" + sp.GetRequiredService<NodeIdentity>().NodeId,
            sp.GetRequiredService<ILogger<MqttMessageBus>>(),
            sp.GetRequiredService<TimeProvider>(),
            SparkplugRegistration.WillProvider(sp)));
        services.AddSingleton<IMessageBus>(sp => sp.GetRequiredService<MqttMessageBus>());

        // Start order; they stop in reverse: telemetry, pipeline (finishes the frame in flight), publisher
        // (last drain), connection (retained offline, clean disconnect), broker.
        services.AddHostedService<BrokerService>();
        services.AddSparkplug(sensorOptions); // before the connection: the NBIRTH handler is in place for the first connect
        services.AddHostedService<ConnectionService>();

        // Commands: handlers register as ICommandHandler; the router owns the cmd/+ subscription.
        services.AddSingleton<ICommandHandler, RebirthCommandHandler>();
        services.AddLearning();
        services.AddSingleton<ICommandHandler, ConfigCommandHandler>();
        services.AddSingleton<ICommandHandler, SnapshotCommandHandler>();
        services.AddSingleton<ICommandHandler, HealthCommandHandler>();
        services.AddSingleton(sp => new CommandRouter(
            sp.GetRequiredService<IMessageBus>(),
            sp.GetRequiredService<NodeIdentity>().Topics,
            sp.GetServices<ICommandHandler>(),
            sp.GetRequiredService<IOptions<CommandOptions>>().Value,
            sp.GetRequiredService<ILogger<CommandRouter>>()));
        services.AddHostedService(sp => sp.GetRequiredService<CommandRouter>());
        services.AddHostedService(sp => new HomeAssistantPublisher(
            sp.GetRequiredService<IMessageBus>(),
            sp.GetRequiredService<NodeIdentity>().Topics,
            sp.GetRequiredService<IOptions<HomeAssistantOptions>>().Value,
            typeof(NodeHost).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            () => SensorCatalog.For(sensorOptions is { Count: > 0 } ? sensorOptions : SensorOptions.Defaults),
            sp.GetRequiredService<ILogger<HomeAssistantPublisher>>()));
        services.AddHostedService<OutboxPublisherService>();
        services.AddHostedService<PipelineService>();
        services.AddSingleton<SensorService>();
        services.AddHostedService(sp => sp.GetRequiredService<SensorService>());
        services.AddHostedService<GpioService>();
        services.AddObservability(builder.Configuration);
        services.AddHostedService<TelemetryService>();
        services.AddHostedService<SystemdWatchdogService>();
        return builder.Build();
    }
}
