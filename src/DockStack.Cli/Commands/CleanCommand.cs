using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Remove everything DockStack made (every cloud, volume, snapshot and state folder); --images also the cached node images")]
public sealed class CleanCommand(CliServices services) : CloudCommand<CleanCommand.Settings>(services)
{
    public sealed class Settings : CloudSettings
    {
        [CommandOption("--images")]
        [Description("Also remove the cached base and cloud images (the next up builds them again)")]
        public bool Images { get; init; }

        [CommandOption("-y|--yes")]
        [Description("Do not ask for confirmation")]
        public bool Yes { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (!settings.Yes)
        {
            if (!Services.Console.Profile.Capabilities.Interactive || Console.IsInputRedirected)
            {
                Services.Console.WriteLine("clean removes every cloud, volume, snapshot and state folder DockStack made; add --yes to confirm.");
                return ExitCodes.Usage;
            }
            if (!await Services.Console.ConfirmAsync("Remove every cloud, volume, snapshot and state folder DockStack made?", defaultValue: false, cancellationToken))
            {
                return ExitCodes.Ok;
            }
        }
        var report = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).CleanAsync(settings.Images, cancellationToken));
        Services.Console.WriteLine($"Removed {report.Containers} containers, {report.Volumes} volumes, {report.Images} images and {report.StateFolders} state folders.");
        return ExitCodes.Ok;
    }
}
