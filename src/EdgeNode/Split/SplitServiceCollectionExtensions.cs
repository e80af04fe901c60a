using EdgeNode.Inference;
using EdgeNode.Inference.Updates;
using EdgeNode.Messaging;
using EdgeNode.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace EdgeNode.Split;

/// <summary>
/// Registers split inference (<c>EdgeNode:Split</c>, docs/split.md): nothing but the options and status for role
/// <c>none</c>; for a <c>head</c> the split engine in place of the node's engine, its link to the tail, discovery and
/// the <c>split</c> health check; for a <c>tail</c> the tail model, its gRPC service on an HTTP/2 endpoint of the node's
/// Kestrel host (<c>EdgeNode:Split:Listen</c>, loopback unless mutual TLS), its discovery status and the health check.
/// </summary>
internal static class SplitServiceCollectionExtensions
{
    public static WebApplicationBuilder AddSplit(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SplitOptions>().BindConfiguration(SplitOptions.Section).ValidateSection(SplitOptions.Section);
        services.AddSingleton<IValidateOptions<SplitOptions>, SplitOptionsValidator>();
        var options = builder.Configuration.GetSection(SplitOptions.Section).Get<SplitOptions>() ?? new SplitOptions();
        services.AddSingleton(new SplitStatus(options.Role, options.FallsBackToCached));
        if (!options.IsHead && !options.IsTail)
        {
            return builder;
        }

        services.AddSingleton(sp => SplitCut.Load(sp.GetRequiredService<IOptions<SplitOptions>>().Value.Cut));
        if (NeedsTls(options))
        {
            services.AddSingleton(sp => SplitTls.Load(sp.GetRequiredService<IOptions<MqttOptions>>().Value.Tls));
        }

        services.AddHealthChecks().AddCheck<SplitHealthCheck>("split");
        if (options.IsHead)
        {
            AddHead(services);
        }
        else
        {
            AddTail(builder, options);
        }

        services.AddHostedSingleton<SplitDiscoveryService>(); // a head gets the peers, a tail its model (optional parameters)
        return builder;
    }

    /// <summary>Maps the tail's gRPC service to its own endpoint only (the web page's port does not answer it).</summary>
    public static WebApplication MapSplit(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Configuration.GetSection(SplitOptions.Section).Get<SplitOptions>() ?? new SplitOptions();
        if (options.IsTail && SplitOptionsValidator.IsHttpUrl(options.Listen, out var listen))
        {
            app.MapGrpcService<SplitTailService>().RequireHost($"*:{listen.Port}");
        }

        return app;
    }

    private static bool NeedsTls(SplitOptions o) =>
        (o.IsTail && o.Listen.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        || (o.IsHead && o.Peer.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    private static void AddHead(IServiceCollection services)
    {
        services.AddSingleton(sp => new SplitPeers(sp.GetRequiredService<IOptions<SplitOptions>>().Value.Peer, sp.GetRequiredService<SplitCut>().Manifest.TailSha256!));
        services.AddHostedSingleton<SplitLink>();
        services.AddSingleton(sp =>
        {
            var cut = sp.GetRequiredService<SplitCut>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeNode.Split");
            // JPEG offload has no head half: the frame itself crosses.
            var head = cut.IsJpeg ? null : HeadHalf.Load(cut, sp.GetRequiredService<IOptions<InferenceOptions>>().Value, logger);
            return new SplitHeadEngine(
                sp.GetRequiredService<ModelUpdater>().Engine,
                head,
                cut,
                sp.GetRequiredService<SplitLink>(),
                sp.GetRequiredService<SplitStatus>(),
                sp.GetRequiredService<IOptions<SplitOptions>>().Value,
                logger);
        });

        // Registered after the models feature's engine: the pipeline, telemetry and tools resolve this one.
        services.AddSingleton<IInferenceEngine>(sp => sp.GetRequiredService<SplitHeadEngine>());
    }

    private static void AddTail(WebApplicationBuilder builder, SplitOptions options)
    {
        var services = builder.Services;
        services.AddSingleton(sp =>
        {
            var inference = sp.GetRequiredService<IOptions<InferenceOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeNode.Split");
            var tail = TailModel.Load(sp.GetRequiredService<SplitCut>(), inference, logger);
            var o = sp.GetRequiredService<IOptions<SplitOptions>>().Value;
            NodeLog.SplitTailServing(logger, tail.Cut.Manifest.Model, tail.Cut.Name, o.Listen);
            return tail;
        });
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = 64 * 1024 * 1024;
            grpc.MaxSendMessageSize = 64 * 1024 * 1024;
        });
        if (!SplitOptionsValidator.IsHttpUrl(options.Listen, out var listen))
        {
            return; // validation stops the start with the key named (exit 78)
        }

        services.AddSingleton<IStartupFilter>(new SplitPortFilter(listen.Port));

        // The node's one Kestrel host: with the web page off it serves the split endpoint alone.
        var noPage = services.FirstOrDefault(s => s.ServiceType == typeof(IServer) && s.ImplementationType == typeof(NoWebServer));
        string[] urls = [];
        if (noPage is not null)
        {
            services.Remove(noPage);
        }
        else
        {
            urls = (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? string.Empty)
                .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var https = listen.Scheme == "https";

        // Kestrel terminates the split endpoint's TLS itself (below), so it is given to the address binder as http.
        builder.WebHost.UseUrls([.. urls, https ? "http" + options.Listen[5..] : options.Listen]);
        builder.WebHost.ConfigureKestrel((context, kestrel) => kestrel.ConfigureEndpointDefaults(endpoint =>
        {
            if (endpoint.IPEndPoint?.Port != listen.Port)
            {
                return;
            }

            // gRPC needs HTTP/2; without TLS that is prior-knowledge h2c, so this endpoint speaks nothing else.
            endpoint.Protocols = HttpProtocols.Http2;
            if (https)
            {
                var tls = endpoint.ApplicationServices.GetRequiredService<SplitTls>();
                endpoint.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = tls.Certificate,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) => tls.Trusts(certificate),
                });
            }
        }));
    }
}
