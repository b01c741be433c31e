using System.ComponentModel;
using System.Globalization;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Images;
using DockStack.Cloud.Lifecycle;
using DockStack.Cloud.Nodes;
using DockStack.Docker;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Create and start a cloud (or say it is running already)")]
public sealed class UpCommand(CliServices services) : CloudCommand<UpCommand.Settings>(services)
{
    public sealed class Settings : ConfigSettings
    {
        [CommandOption("--bare")]
        [Description("A node with systemd only, no OpenStack: for working on the node itself")]
        public bool Bare { get; init; }

        [CommandOption("-p|--publish <PORT>")]
        [Description("Also publish a node port on the cloud's address: PORT or HOSTPORT:NODEPORT (repeatable)")]
        public string[] Publish { get; init; } = [];

        [CommandOption("--address <ADDRESS>")]
        [Description("The cloud's loopback address, in 127.0.0.0/8 (default: the lowest no other cloud holds, 127.0.0.1 for the first); every API keeps its standard port there")]
        public string? Address { get; init; }

        public CloudAddress? ParsedAddress => Address is null ? null : CloudAddress.Parse(Address);

        [CommandOption("--memory <SIZE>")]
        [Description("The node's memory limit, swap limited to the same: a size such as 8g or 12288m (default: 8g, or the host's memory when less); kept for the cloud's life")]
        public string? Memory { get; init; }

        public long? ParsedMemory => Memory is null ? null : NodeLimits.ParseMemory(Memory);

        [CommandOption("--pids-limit <N>")]
        [Description("The most processes and threads the node may run, 512-4194304 (default: 8192); kept for the cloud's life")]
        public string? PidsLimit { get; init; }

        public long? ParsedPidsLimit => PidsLimit is null ? null : NodeLimits.ParsePidsLimit(PidsLimit);

        [CommandOption("--write-clouds-yaml [FILE]")]
        [Description("Merge the cloud's clouds.yaml entries into FILE (default: ~/.config/openstack/clouds.yaml), keeping every other entry; down --purge removes them")]
        public FlagValue<string>? WriteCloudsYaml { get; init; }

        public override ValidationResult Validate()
        {
            if (Bare && Config is not null)
            {
                return ValidationResult.Error("--bare and --config exclude each other: a bare node runs no cloud.");
            }
            if (Address is not null)
            {
                try
                {
                    _ = ParsedAddress;
                }
                catch (ArgumentException e)
                {
                    return ValidationResult.Error($"--address: {e.Message}");
                }
            }
            try
            {
                _ = ParsedMemory;
                _ = ParsedPidsLimit;
            }
            catch (ArgumentException e)
            {
                return ValidationResult.Error(e.Message);
            }
            foreach (var p in Publish)
            {
                if (!PublishSpec.TryParse(p, out _))
                {
                    return ValidationResult.Error($"--publish '{p}' is not PORT or HOSTPORT:NODEPORT (1-65535).");
                }
            }
            return base.Validate();
        }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var options = new UpOptions(settings.Cloud, settings.BaseOptions)
        {
            ConfigPath = settings.ConfigPath,
            Bare = settings.Bare,
            Address = settings.ParsedAddress,
            MemoryBytes = settings.ParsedMemory,
            PidsLimit = settings.ParsedPidsLimit,
            UserCloudsYaml = settings.WriteCloudsYaml is { IsSet: true } write ? write.Value ?? "" : null,
        };
        var extra = settings.Publish.Select(p => { PublishSpec.TryParse(p, out var b); return b!; }).ToList();
        var result = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).UpAsync(options, extra, cancellationToken));
        if (settings.Json)
        {
            Json.Write(Services.Console, new
            {
                name = settings.Cloud.Value,
                address = result.Address,
                container = result.ContainerId,
                alreadyRunning = result.AlreadyRunning,
                image = result.Image,
                systemd = result.Systemd.State,
                failedUnits = result.Systemd.FailedUnits,
                ports = result.Ports.Select(p => new { host = $"{p.HostIp}:{p.HostPort}", node = p.ContainerPort }),
                bootSeconds = Math.Round(result.BootTime.TotalSeconds, 2),
                summary = result.Summary,
                limits = result.Limits is { } l ? new { memoryBytes = l.MemoryBytes, memorySwapBytes = l.MemoryBytes, pidsLimit = l.PidsLimit } : null,
            });
            return ExitCodes.Ok;
        }
        var console = Services.Console;
        console.WriteLine();
        console.MarkupLine(result.AlreadyRunning
            ? $"Cloud [bold]{settings.Cloud}[/] is already running."
            : $"Cloud [bold]{settings.Cloud}[/] is up on {result.Address}: systemd {Markup.Escape(result.Systemd.State)} after {EventRenderer.Seconds(result.BootTime)}.");
        if (result.Systemd.FailedUnits.Count > 0)
        {
            console.MarkupLine($"[yellow]Failed units:[/] {Markup.Escape(string.Join(", ", result.Systemd.FailedUnits))}  (dockstack logs UNIT --name {settings.Cloud})");
        }
        if (result.Limits is { } limits)
        {
            console.WriteLine($"  limits: {limits}");
        }
        foreach (var line in result.Summary)
        {
            console.WriteLine(line);
        }
        foreach (var port in result.Ports)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  node port {port.ContainerPort} -> http://{port.HostIp}:{port.HostPort}"));
        }
        var nameOption = settings.Cloud.Value == CloudName.Default ? "" : $" --name {settings.Cloud}";
        console.WriteLine($"  shell: ./dockstack shell{nameOption}    status: ./dockstack status{nameOption}    stop: ./dockstack down{nameOption}");
        return ExitCodes.Ok;
    }
}

/// <summary>Parses <c>--publish PORT</c> or <c>HOSTPORT:NODEPORT</c>.</summary>
public static class PublishSpec
{
    public static bool TryParse(string text, out PortBinding? binding)
    {
        binding = null;
        var parts = text.Split(':');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 65535))
        {
            return false;
        }
        var host = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var node = int.Parse(parts[^1], CultureInfo.InvariantCulture);
        binding = new PortBinding(node, host);
        return true;
    }
}
