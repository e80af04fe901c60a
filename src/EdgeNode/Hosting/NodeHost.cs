using EdgeNode.Devices;
using EdgeNode.Health;
using EdgeNode.Learning;
using EdgeNode.Models;
using EdgeNode.Mqtt;
using EdgeNode.Outbox;
using EdgeNode.Pipeline;
using EdgeNode.Settings;
using EdgeNode.Split;
using EdgeNode.Sparkplug;
using EdgeNode.Telemetry;
using EdgeNode.Web;

namespace EdgeNode.Hosting;

/// <summary>Builds the node's host: configuration, validated options, and the features' hosted services in start order.</summary>
public static class NodeHost
{
    /// <summary>Creates the host for <paramref name="args"/> (configuration: appsettings.json, environment, command line).</summary>
    public static IHost Build(string[] args)
    {
        // A web application builder: the same configuration, services and hosted services as before, plus Kestrel for
        // the node's own page (EdgeNode:Web; with Web:Enabled=false it listens nowhere).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Settings changed by the config command are the last (winning) source: added before any feature reads one.
        builder.AddRuntimeSettings();
        var configuration = builder.Configuration;

        // The order of the calls is the start order of the hosted services; they stop in reverse: telemetry, pipeline
        // (finishes the frame in flight), publisher (last drain), connection (retained offline, clean disconnect),
        // broker, and the outbox store, which opens before anything starts.
        builder.Services
            .AddNodeHosting()
            .AddOutbox()
            .AddModels()
            .AddMqtt()
            .AddSparkplug(configuration) // before the connection: the NBIRTH handler is in place for the first connect
            .AddMqttConnection()
            .AddLearning()
            .AddCommands()
            .AddHomeAssistant(configuration)
            .AddOutboxPublisher()
            .AddPipeline()
            .AddDevices(configuration)
            .AddHealth(configuration)
            .AddTelemetry(configuration)
            .AddSystemdWatchdog();
        builder.AddWeb();
        builder.AddSplit(); // after the web page (it adds its endpoint to the same Kestrel host) and the models (it may replace the engine)
        return builder.Build().MapWeb().MapSplit();
    }
}
