using System.Text;
using System.Text.Json.Nodes;
using DockStack.OpenStack.Keystone;
using DockStack.OpenStack.Neutron;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Kuryr;

/// <summary>
/// The <c>kuryr</c> role: Docker's libnetwork remote network and IPAM driver named <c>kuryr</c>, served on the unix socket
/// <c>[kuryr] socket</c> (under /run/docker/plugins/, where the engine finds plugins by file name). Every call is a POST
/// with a JSON body; answers are JSON, errors <c>{"Err": "..."}</c>. It authenticates to Keystone as the service user of
/// <c>[keystone_authtoken]</c> and binds ports to <c>[DEFAULT] host</c>.
/// </summary>
public static partial class KuryrApp
{
    public static WebApplication Build(ZunConfig config, Action<ILoggingBuilder>? logging = null)
    {
        if (config.NoAuth) { throw new ConfigException("'zun kuryr' needs Keystone ([DEFAULT] auth_strategy = keystone) to reach Neutron."); }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging?.Invoke(builder.Logging);
        Directory.CreateDirectory(Path.GetDirectoryName(config.KuryrSocket)!);
        File.Delete(config.KuryrSocket); // a socket left by a killed process refuses the bind
        builder.WebHost.ConfigureKestrel(o => o.ListenUnixSocket(config.KuryrSocket));
        var keystone = new KeystoneClient(new HttpClient(), new Uri(config.KeystoneAuthUrl!), new PasswordCredentials(config.KeystoneUsername!,
            config.KeystonePassword!, config.KeystoneProjectName, config.KeystoneUserDomainName, config.KeystoneProjectDomainName));
        builder.Services.AddSingleton(sp => new KuryrDriver(new NeutronClient(new HttpClient(), keystone), new VethPlug(config.KuryrBridge),
            config.Host, Path.Combine(config.StatePath, "kuryr"), sp.GetRequiredService<ILogger<KuryrDriver>>(), TimeSpan.FromSeconds(config.KuryrPortActiveTimeout)));
        var app = builder.Build();
        var driver = app.Services.GetRequiredService<KuryrDriver>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DockStack.Zun.Kuryr");
        var trim = new IdleTrim();
        app.Lifetime.ApplicationStopped.Register(trim.Dispose);
        app.Run(async context =>
        {
            await HandleAsync(context, driver, log);
            trim.Touch();
        });
        return app;
    }

    private static async Task HandleAsync(HttpContext context, KuryrDriver d, ILogger log)
    {
        var ct = context.RequestAborted;
        var call = context.Request.Path.Value?.TrimStart('/') ?? "";
        JsonObject answer;
        var status = StatusCodes.Status200OK;
        try
        {
            // Plugin.Activate (and a few others) come with an empty body.
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(ct);
            var request = string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
            answer = call switch
            {
                "Plugin.Activate" => new JsonObject { ["Implements"] = new JsonArray("NetworkDriver", "IpamDriver") },
                "NetworkDriver.GetCapabilities" => new JsonObject { ["Scope"] = "local", ["ConnectivityScope"] = "global" },
                "NetworkDriver.CreateNetwork" => await d.CreateNetworkAsync(request, ct),
                "NetworkDriver.DeleteNetwork" => await d.DeleteNetworkAsync(request, ct),
                "NetworkDriver.CreateEndpoint" => await d.CreateEndpointAsync(request, ct),
                "NetworkDriver.EndpointOperInfo" => new JsonObject { ["Value"] = new JsonObject() },
                "NetworkDriver.DeleteEndpoint" => await d.DeleteEndpointAsync(request, ct),
                "NetworkDriver.Join" => await d.JoinAsync(request, ct),
                "NetworkDriver.Leave" or "NetworkDriver.DiscoverNew" or "NetworkDriver.DiscoverDelete"
                    or "NetworkDriver.ProgramExternalConnectivity" or "NetworkDriver.RevokeExternalConnectivity"
                    or "IpamDriver.ReleasePool" => [],
                "IpamDriver.GetCapabilities" => new JsonObject { ["RequiresMACAddress"] = false, ["RequiresRequestReplay"] = false },
                "IpamDriver.GetDefaultAddressSpaces" => new JsonObject { ["LocalDefaultAddressSpace"] = "no_address_space", ["GlobalDefaultAddressSpace"] = "no_address_space" },
                "IpamDriver.RequestPool" => await d.RequestPoolAsync(request, ct),
                "IpamDriver.RequestAddress" => await d.RequestAddressAsync(request, ct),
                "IpamDriver.ReleaseAddress" => await d.ReleaseAddressAsync(request, ct),
                _ => throw new KuryrRequestException($"{call} is not a call this driver knows."),
            };
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Docker shows Err to whoever ran the command; the driver itself goes on serving.
            LogRefused(log, call, e is KuryrRequestException or NeutronException or KeystoneAuthenticationException or KeystoneUnavailableException
                or System.Text.Json.JsonException ? e.Message : e.ToString());
            (answer, status) = (KuryrProtocol.Error(e.Message), StatusCodes.Status500InternalServerError);
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = KuryrProtocol.ContentType;
        await context.Response.WriteAsync(answer.ToJsonString(), Encoding.UTF8, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Call} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string call, string reason);
}
