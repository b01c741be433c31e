using DockStack.Docker;
using DockStack.OpenStack.Glance;
using DockStack.OpenStack.Keystone;
using DockStack.OpenStack.Neutron;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Capsules;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Api.Resources;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using DockStack.Zun.WsProxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun;

public enum ZunRole { Api, Compute, All }

/// <summary>
/// Builds the zun process for a role: the api (HTTP on [api] host_ip:port), the compute agent with its console proxy
/// (websockets on [websocket_proxy] wsproxy_host:wsproxy_port), or both.
/// </summary>
public static class ZunApp
{
    public static async Task<IHost> BuildAsync(ZunConfig config, ZunRole role, Action<ILoggingBuilder>? logging = null, string? urls = null, CancellationToken cancellationToken = default)
    {
        if (role == ZunRole.Api && string.IsNullOrEmpty(config.TransportUrl))
        {
            throw new ConfigException("[DEFAULT] transport_url must be set for 'zun api' alone (the api reaches zun-compute over RabbitMQ); run 'zun all' for one process without it.");
        }
        Directory.CreateDirectory(config.StatePath);
        // The console proxy runs where compute runs; with urls given (an embedded or test run) on a free loopback port.
        if (urls is not null && role != ZunRole.Api) { config = config with { WsproxyHost = "127.0.0.1", WsproxyPort = 0 }; }
        var proxyUrl = role == ZunRole.Api ? null : ConsoleProxy.ListenUrl(config);
        var builder = WebApplication.CreateSlimBuilder();
        // The api's address first, the proxy's last (ConsoleProxy tells its requests by that port).
        var listen = role == ZunRole.Compute ? [] : new[] { urls ?? $"http://{FormatHost(config.ApiHost)}:{config.ApiPort}" };
        builder.WebHost.UseUrls(string.Join(';', proxyUrl is null ? listen : [.. listen, proxyUrl]));
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = RequestLimits.MaxRequestBodyBytes); // raised per request where allowed (ZunPipeline)
        Configure(builder.Services, builder.Logging, config, role, logging);
        var app = builder.Build();
        if (role != ZunRole.Api)
        {
            app.UseConsoleProxy();
        }
        if (role != ZunRole.Compute)
        {
            app.UseMiddleware<ZunPipeline>();
            app.UseRouting();
            app.MapRoot();
            app.MapContainers();
            app.MapCapsules();
            app.MapImages();
            app.MapInfra();
            app.MapQuotas();
        }
        IHost host = app;
        try
        {
            // The start's deadline runs from here; the database is the first thing every role needs.
            var startup = host.Services.GetRequiredService<StartupDeadline>();
            if (role != ZunRole.Api)
            {
                startup.Expect(startup.Engine);
                if (!string.IsNullOrEmpty(config.TransportUrl)) { startup.Expect(startup.Broker); }
            }
            await startup.RetryAsync(startup.Database, host.Services.GetRequiredService<ZunStore>().MigrateAsync, cancellationToken);
        }
        catch
        {
            host.Dispose(); // flushes the log, the line that says why included
            throw;
        }
        return host;
    }

    internal static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;

    private static void Configure(IServiceCollection services, ILoggingBuilder loggingBuilder, ZunConfig config, ZunRole role, Action<ILoggingBuilder>? logging)
    {
        loggingBuilder.ClearProviders();
        loggingBuilder.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
        loggingBuilder.SetMinimumLevel(LogLevel.Information);
        loggingBuilder.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(loggingBuilder);
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new ZunDatabase(config.EffectiveDatabaseConnection));
        services.AddSingleton<ZunStore>();
        services.AddSingleton<StartupDeadline>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));

        if (!config.NoAuth)
        {
            services.AddSingleton(_ => new KeystoneClient(new HttpClient(), new Uri(config.KeystoneAuthUrl!),
                new PasswordCredentials(config.KeystoneUsername!, config.KeystonePassword!, config.KeystoneProjectName,
                    config.KeystoneUserDomainName, config.KeystoneProjectDomainName)));
            // Glance (the glance image driver, commits uploaded): the catalog's image endpoint, the same service user.
            services.AddSingleton(sp => new GlanceImages(new GlanceClient(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, sp.GetRequiredService<KeystoneClient>())));
        }
        if (config.Kuryr)
        {
            services.AddSingleton(sp => new NeutronPorts(new NeutronClient(new HttpClient(), sp.GetRequiredService<KeystoneClient>()),
                sp.GetService<IGuestEngine>(), config.Host));
        }
        if (role != ZunRole.Api)
        {
            services.AddSingleton<IGuestEngine>(_ => new DockerEngine(new DockerEndpoint(new Uri(config.DockerApiUrl))));
            services.AddSingleton<ComputeManager>();
            services.AddSingleton<IComputeHandler>(sp => sp.GetRequiredService<ComputeManager>());
            services.AddSingleton<ContainerSync>();
            services.AddSingleton<ComputeReadiness>();
            services.AddHostedService<ComputeAgent>();
            services.AddSingleton<ConsoleTokens>();
            services.AddSingleton(sp => new ConsoleSessions(sp.GetRequiredService<ConsoleTokens>(),
                () => ConsoleProxy.BaseUrl(config, sp.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>())));
            if (!string.IsNullOrEmpty(config.TransportUrl))
            {
                services.AddHostedService<RabbitComputeServer>();
            }
        }
        if (role != ZunRole.Compute)
        {
            if (string.IsNullOrEmpty(config.TransportUrl))
            {
                services.AddSingleton<LocalComputeRpc>();
                services.AddSingleton<IComputeRpc>(sp => sp.GetRequiredService<LocalComputeRpc>());
            }
            else
            {
                services.AddSingleton<RabbitComputeRpc>();
                services.AddSingleton<IComputeRpc>(sp => sp.GetRequiredService<RabbitComputeRpc>());
            }
            services.AddSingleton<ComputeGateway>();
            if (config.NoAuth)
            {
                services.AddSingleton<ITokenValidator, NoAuthValidator>();
            }
            else
            {
                services.AddSingleton<ITokenValidator>(sp => new KeystoneTokenValidator(sp.GetRequiredService<KeystoneClient>(),
                    TimeSpan.FromSeconds(config.TokenCacheTime), sp.GetRequiredService<TimeProvider>()));
            }
        }
    }
}
