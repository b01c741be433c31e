using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Lifecycle;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Stop and remove a cloud's node; keep images, snapshots and volumes unless --purge")]
public sealed class DownCommand(CliServices services) : CloudCommand<DownCommand.Settings>(services)
{
    public sealed class Settings : CloudSettings
    {
        [CommandOption("--purge")]
        [Description("Also remove the cloud's volumes, snapshots and state folder")]
        public bool Purge { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var found = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).DownAsync(settings.Cloud, settings.Purge, cancellationToken));
        if (!found)
        {
            throw new CloudNotFoundException(settings.Cloud.Value);
        }
        Services.Console.WriteLine(settings.Purge ? $"Cloud '{settings.Cloud}' removed with its volumes, snapshots and state." : $"Cloud '{settings.Cloud}' is down (volumes and snapshots kept; --purge removes them).");
        return ExitCodes.Ok;
    }
}
