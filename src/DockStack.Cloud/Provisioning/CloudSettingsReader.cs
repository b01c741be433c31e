using System.Net;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.LocalConf;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.Nova;
using DockStack.Cloud.Services.Placement;
using DockStack.Cloud.Services.RabbitMq;

namespace DockStack.Cloud.Provisioning;

/// <summary>Gives a parsed local.conf its meaning: the typed <see cref="CloudSettings"/> plus a warning for everything we do not act on.</summary>
public static class CloudSettingsReader
{
    /// <summary>Variables that only steer DevStack's own machinery; named in a warning because they change nothing here.</summary>
    private static readonly IReadOnlySet<string> NoEffect = new HashSet<string>(StringComparer.Ordinal)
    {
        "HOST_IP", "SERVICE_HOST", "SERVICE_TOKEN", "LOGFILE", "LOGDAYS", "VERBOSE", "RECLONE", "OFFLINE", "GIT_BASE", "DEST",
        "USE_SCREEN", "PIP_UPGRADE", "SCREEN_LOGDIR", "LOG_COLOR", "USE_PYTHON3",
    };

    public static CloudSettings Read(LocalConfDocument document, Func<string> defaultAdminPassword)
    {
        var warnings = new List<string>(document.Warnings);
        var source = document.Source;
        var services = new HashSet<string>(DevStackServices.Defaults, StringComparer.Ordinal);
        var plugins = new List<string>();
        var containerServiceDisabled = false;
        var variables = new Dictionary<string, (string Value, int Line)>(StringComparer.Ordinal);

        foreach (var statement in document.Localrc)
        {
            switch (statement)
            {
                case Assignment { Name: "ENABLED_SERVICES" } a:
                    if (!a.Append)
                    {
                        services.Clear();
                    }
                    Enable(services, a.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), source, a.Line, warnings);
                    break;
                case Assignment a:
                    variables[a.Name] = (a.Append && variables.TryGetValue(a.Name, out var old) ? old.Value + a.Value : a.Value, a.Line);
                    break;
                case Command { Name: "enable_service" } c:
                    Enable(services, Names(c), source, c.Line, warnings);
                    break;
                case Command { Name: "disable_service" } c:
                    foreach (var name in Names(c))
                    {
                        if (ContainerServiceModule.DisableNames.Contains(name))
                        {
                            // The container service's units go together: either name turns it off.
                            containerServiceDisabled = true;
                            continue;
                        }
                        var expanded = DevStackServices.Expand(name);
                        if (expanded.Count == 0 && !DevStackServices.KnownUnsupported.Contains(name))
                        {
                            warnings.Add($"{source}, line {c.Line}: disable_service {name}: unknown service name");
                        }
                        services.ExceptWith(expanded);
                    }
                    break;
                case Command { Name: "disable_all_services" }:
                    services.Clear();
                    break;
                case Command { Name: "enable_plugin" } c when c.Arguments.Count >= 1:
                    var plugin = c.Arguments[0];
                    plugins.Add(plugin);
                    if (!ContainerServiceModule.Plugins.Contains(plugin))
                    {
                        warnings.Add($"{source}, line {c.Line}: enable_plugin {plugin}: not supported (only zun, zun-ui, kuryr-libnetwork and devstack-plugin-container, which mean DockStack's container service); ignored");
                    }
                    break;
                case Command c:
                    warnings.Add($"{source}, line {c.Line}: '{c.Name}' is not supported in local.conf here; ignored");
                    break;
            }
        }

        var admin = Take(variables, "ADMIN_PASSWORD") ?? defaultAdminPassword();
        var passwords = new CloudPasswords(
            admin,
            Take(variables, "DATABASE_PASSWORD") ?? admin,
            Take(variables, "RABBIT_PASSWORD") ?? admin,
            Take(variables, "SERVICE_PASSWORD") ?? admin);
        var region = Take(variables, "REGION_NAME") ?? "RegionOne";
        var horizonPort = Port(Take(variables, "HORIZON_PORT"), 80, source, warnings);
        var network = ReadNetwork(variables, source);
        var libvirt = Take(variables, "LIBVIRT_TYPE") ?? "qemu";
        if (libvirt != "qemu")
        {
            warnings.Add($"{source}: LIBVIRT_TYPE={libvirt} is not supported (no /dev/kvm in a node); using qemu");
            libvirt = "qemu";
        }
        if (Take(variables, "IP_VERSION") is { } ipVersion && ipVersion != "4")
        {
            warnings.Add($"{source}: IP_VERSION={ipVersion} is not supported; the cloud's networks are IPv4 only");
        }
        foreach (var (name, (_, line)) in variables.OrderBy(v => v.Value.Line))
        {
            warnings.Add(NoEffect.Contains(name)
                ? $"{source}, line {line}: {name} has no effect in DockStack (services listen on 127.0.0.1 in the node); ignored"
                : $"{source}, line {line}: {name} is not a setting DockStack supports; ignored");
        }

        RequireDependencies(services, warnings);
        var builtins = new Dictionary<string, string>(ConfigFiles.Builtins(), StringComparer.Ordinal);
        foreach (var a in document.Localrc.OfType<Assignment>())
        {
            builtins[a.Name] = a.Value;
        }
        var postConfig = new Dictionary<string, List<IniSetting>>(StringComparer.Ordinal);
        foreach (var section in document.PostConfig)
        {
            var file = ConfigFiles.Resolve(section.File, builtins);
            if (file is null)
            {
                warnings.Add($"{source}, line {section.Line}: [[post-config|{section.File}]] names a file DockStack does not render; its settings are ignored");
                continue;
            }
            if (!services.Overlaps(file.EnabledBy))
            {
                warnings.Add($"{source}, line {section.Line}: [[post-config|{section.File}]] is for a service that is not enabled; its settings are ignored");
                continue;
            }
            if (!postConfig.TryGetValue(file.Path, out var list))
            {
                postConfig[file.Path] = list = [];
            }
            list.AddRange(section.Settings);
        }

        return new CloudSettings
        {
            Passwords = passwords,
            Region = region,
            Services = services,
            ContainerServiceEnabled = plugins.Any(ContainerServiceModule.Plugins.Contains) && !containerServiceDisabled,
            Plugins = plugins,
            HorizonPort = horizonPort,
            Network = network,
            LibvirtType = libvirt,
            PostConfig = postConfig.ToDictionary(p => p.Key, p => (IReadOnlyList<IniSetting>)p.Value, StringComparer.Ordinal),
            Warnings = warnings,
        };
    }

    private static IEnumerable<string> Names(Command c) =>
        c.Arguments.SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static void Enable(HashSet<string> services, IEnumerable<string> names, string source, int line, List<string> warnings)
    {
        foreach (var name in names)
        {
            var expanded = DevStackServices.Expand(name);
            if (expanded.Count == 0)
            {
                warnings.Add(DevStackServices.KnownUnsupported.Contains(name)
                    ? $"{source}, line {line}: enable_service {name}: DockStack does not run this service; ignored"
                    : $"{source}, line {line}: enable_service {name}: unknown service name; ignored");
            }
            services.UnionWith(expanded);
        }
    }

    /// <summary>Enables what the enabled services cannot run without, saying so.</summary>
    private static void RequireDependencies(HashSet<string> services, List<string> warnings)
    {
        void Need(string dependency, string? dependent)
        {
            if (dependent is not null && services.Add(dependency))
            {
                warnings.Add($"{dependent} needs {dependency}; enabling {dependency}");
            }
        }
        Need(KeystoneModule.Service, services.FirstOrDefault(s => s is not (MariaDbModule.Service or RabbitMqModule.Service or KeystoneModule.Service)));
        Need(MariaDbModule.Service, services.FirstOrDefault(s => s is not (MariaDbModule.Service or RabbitMqModule.Service or HorizonModule.Service)));
        Need(RabbitMqModule.Service, services.FirstOrDefault(s => s.StartsWith("n-", StringComparison.Ordinal) || s.StartsWith("q-", StringComparison.Ordinal)));
        var nova = services.FirstOrDefault(s => s is NovaModule.Api or NovaModule.Compute or NovaModule.Scheduler);
        Need(PlacementModule.Api, nova);
        Need(GlanceModule.Api, nova);
    }

    private static NetworkSettings ReadNetwork(Dictionary<string, (string Value, int Line)> variables, string source)
    {
        var defaults = new NetworkSettings();
        foreach (var name in new[] { "FIXED_RANGE", "IPV4_ADDRS_SAFE_TO_USE", "FLOATING_RANGE" })
        {
            if (variables.TryGetValue(name, out var v) && !(IPNetwork.TryParse(v.Value, out var parsed) && parsed.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
            {
                throw new LocalConfException(source, v.Line, $"{name}={v.Value} is not an IPv4 network in CIDR form");
            }
        }
        var fixedRange = Take(variables, "FIXED_RANGE") ?? Take(variables, "IPV4_ADDRS_SAFE_TO_USE") ?? defaults.FixedRange;
        var floating = Take(variables, "FLOATING_RANGE") ?? defaults.FloatingRange;
        var fixedGateway = Take(variables, "NETWORK_GATEWAY") ?? FirstHost(fixedRange);
        var publicGateway = Take(variables, "PUBLIC_NETWORK_GATEWAY") ?? FirstHost(floating);
        return new NetworkSettings(fixedRange, fixedGateway, floating, publicGateway, Take(variables, "PUBLIC_PHYSICAL_NETWORK") ?? defaults.PhysicalNetwork);
    }

    private static string FirstHost(string cidr)
    {
        var network = IPNetwork.Parse(cidr);
        var bytes = network.BaseAddress.GetAddressBytes();
        bytes[^1]++;
        return new IPAddress(bytes).ToString();
    }

    private static int Port(string? value, int fallback, string source, List<string> warnings)
    {
        if (value is null)
        {
            return fallback;
        }
        if (int.TryParse(value, out var port) && port is > 0 and < 65536)
        {
            return port;
        }
        warnings.Add($"{source}: HORIZON_PORT={value} is not a port; using {fallback}");
        return fallback;
    }

    private static string? Take(Dictionary<string, (string Value, int Line)> variables, string name) =>
        variables.Remove(name, out var value) ? value.Value : null;
}
