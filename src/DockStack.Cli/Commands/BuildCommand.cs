using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using Spectre.Console;

namespace DockStack.Cli.Commands;

[Description("Build (or find cached) the node images a config needs, without starting a cloud (for CI caches)")]
public sealed class BuildCommand(CliServices services) : CloudCommand<BuildCommand.Settings>(services)
{
    public sealed class Settings : ConfigSettings;

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var image = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).BuildImagesAsync(settings.ConfigPath, settings.BaseOptions, cancellationToken));
        if (settings.Json)
        {
            Json.Write(Services.Console, new { image });
            return ExitCodes.Ok;
        }
        Services.Console.WriteLine($"Node image: {image}");
        return ExitCodes.Ok;
    }
}
