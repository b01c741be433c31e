using DockStack.Zun;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Kuryr;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

const string Usage = """
    usage: zun <api|compute|all|kuryr> [--config-file /etc/zun/zun.conf]

      api       zun-api: the Zun REST API on [api] host_ip:port (needs [DEFAULT] transport_url)
      compute   zun-compute: drives the Docker engine at [docker] api_url
      all       both roles in one process (in-process RPC unless transport_url is set)
      kuryr     the Docker network and IPAM driver 'kuryr' on [kuryr] socket: Docker networks on Neutron networks
    """;

var kuryr = args.Length > 0 && args[0] == "kuryr";
var role = ZunRole.All;
if (args.Length == 0 || args[0] is "-h" or "--help" || (!kuryr && !Enum.TryParse(args[0], ignoreCase: true, out role)))
{
    Console.Error.WriteLine(Usage);
    return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 2;
}
var configFile = "/etc/zun/zun.conf";
for (var i = 1; i < args.Length; i++)
{
    if (args[i] == "--config-file" && i + 1 < args.Length) { configFile = args[++i]; }
    else if (args[i].StartsWith("--config-file=", StringComparison.Ordinal)) { configFile = args[i]["--config-file=".Length..]; }
    else
    {
        Console.Error.WriteLine($"zun: unknown argument '{args[i]}'\n{Usage}");
        return 2;
    }
}

try
{
    var config = ZunConfig.Load(configFile);
    if (kuryr)
    {
        await using var driver = KuryrApp.Build(config);
        await driver.RunAsync();
        return 0;
    }
    using var host = await ZunApp.BuildAsync(config, role);
    // Not RunAsync: it disposes the host (and its service provider) as it returns, and the drain below still needs it.
    await host.StartAsync();
    await host.WaitForShutdownAsync(); // SIGTERM / Ctrl+C: stops the hosted services
    if (host.Services.GetService<LocalComputeRpc>() is { } local)
    {
        await local.DrainAsync(TimeSpan.FromSeconds(10));
    }
    // Stopped because what it needs did not answer in time: non-zero, so that systemd starts it again.
    return host.Services.GetRequiredService<StartupDeadline>().Failed ? 1 : 0;
}
catch (ZunStartupFailed)
{
    return 1; // the log says what was not reached
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"zun: configuration error in {configFile}: {e.Message}");
    return 2;
}
