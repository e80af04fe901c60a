using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.FileProviders;

namespace EdgeNode.Web;

/// <summary>
/// Registers the node's web page: options (<c>EdgeNode:Web</c>, <c>EdgeNode:Region</c>, <c>EdgeNode:Prediction</c>), the
/// region crop and prediction policy the pipeline applies, and, when enabled, Kestrel, security and the <c>/api</c> endpoints.
/// </summary>
internal static class WebRegistration
{
    public static WebApplicationBuilder AddWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateSection(WebOptions.Section);
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        services.AddSingleton<LabellingSession>();
        services.AddSingleton<LiveJpeg>();
        services.AddSingleton<RegionHistory>();
        services.AddSingleton<WebSessions>();
        services.AddSingleton<WebPassword>();
        services.AddSingleton<JsonBody>();

        var options = builder.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
        if (!options.Enabled)
        {
            services.AddSingleton<IServer, NoWebServer>();
            return builder;
        }

        var https = !string.IsNullOrWhiteSpace(options.CertFile) && !string.IsNullOrWhiteSpace(options.KeyFile);
        if (https)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.UseUrls([.. options.UrlList]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = JsonBody.DrainLimit;
            if (https)
            {
                kestrel.ConfigureHttpsDefaults(h => h.ServerCertificate = LoadCertificate(options));
            }
        });
        services.AddHostedService<WebAddressLogger>();
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = (context, cancellationToken) => new ValueTask(WebErrors.WriteAsync(context.HttpContext, "rate_limited", "Too many login attempts; wait a minute."));
            limiter.AddPolicy(SessionEndpoints.LoginPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.LoginAttemptsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return builder;
    }

    public static WebApplication MapWeb(this WebApplication app)
    {
        // The raw configuration, not IOptions: validation failures must surface when the host starts (exit 78), not here.
        if (!(app.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions()).Enabled)
        {
            return app;
        }

        var files = new EmbeddedFileProvider(typeof(WebRegistration).Assembly, "EdgeNode.Web.wwwroot");
        app.UseMiddleware<WebSecurityMiddleware>();
        app.UseRateLimiter();
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        var api = app.MapGroup("/api");
        api.MapSession().MapStatus().MapLive().MapResults().MapLabels().MapHeads().MapRegion().MapPrediction();
        api.MapFallback(() => WebErrors.Error("not_found", "There is no such API path; see docs/web.md."));
        return app;
    }

    private static X509Certificate2 LoadCertificate(WebOptions options)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException)
        {
            throw new InvalidOperationException($"invalid configuration: EdgeNode:Web:CertFile (EdgeNode__Web__CertFile) / EdgeNode:Web:KeyFile (EdgeNode__Web__KeyFile): {ex.Message}", ex);
        }
    }
}
