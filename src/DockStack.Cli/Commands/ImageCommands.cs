using System.ComponentModel;
using System.Globalization;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

/// <summary>The options of <c>image list</c> and <c>image save</c>: a config's images, optionally the bare node's.</summary>
public class ImageSettings : ConfigSettings
{
    [CommandOption("--bare")]
    [Description("The bare node's image only (systemd, no OpenStack)")]
    public bool Bare { get; init; }
}

[Description("List the images a config needs (base, then each layer) and whether each is cached; decided from the inputs, nothing is built")]
public sealed class ImageListCommand(CliServices services) : CloudCommand<ImageSettings>(services)
{
    protected override async Task<int> RunAsync(ImageSettings settings, CancellationToken cancellationToken)
    {
        var chain = await Services.Manager(NullCloudEvents.Instance).ImageChainAsync(settings.ConfigPath, settings.BaseOptions, settings.Bare, cancellationToken);
        if (settings.Json)
        {
            Json.Write(Services.Console, chain.Select(i => new { name = i.Name, reference = i.Reference, cached = i.Cached, sizeBytes = i.SizeBytes }));
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("IMAGE", "REFERENCE", "CACHED", "SIZE");
        foreach (var i in chain)
        {
            table.AddRow(i.Name, Markup.Escape(i.Reference ?? "(its parent is not built)"), i.Cached ? "[green]yes[/]" : "no",
                i.SizeBytes is { } size ? (size / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture) + " MB" : "");
        }
        Services.Console.Write(table);
        return ExitCodes.Ok;
    }
}

public sealed class ImageSaveSettings : ImageSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("The archive to write (the engine's own format; gzip-compressed when the name ends in .gz)")]
    public string File { get; init; } = "";
}

[Description("Write every image a config needs into one file, for another machine or a CI cache (image load brings them back)")]
public sealed class ImageSaveCommand(CliServices services) : CloudCommand<ImageSaveSettings>(services)
{
    protected override async Task<int> RunAsync(ImageSaveSettings settings, CancellationToken cancellationToken)
    {
        var (chain, bytes) = await Services.Renderer(settings).RunAsync(events =>
            Services.Manager(events).SaveImagesAsync(settings.ConfigPath, settings.BaseOptions, settings.Bare, settings.File, cancellationToken));
        if (settings.Json)
        {
            Json.Write(Services.Console, new { file = Path.GetFullPath(settings.File), sizeBytes = bytes, images = chain.Select(i => i.Reference) });
            return ExitCodes.Ok;
        }
        Services.Console.WriteLine($"Saved {chain.Count} images ({bytes / 1024.0 / 1024.0:0} MB) into {Path.GetFullPath(settings.File)}. On another machine: dockstack image load {settings.File}");
        return ExitCodes.Ok;
    }
}

public sealed class ImageLoadSettings : CloudSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("An archive written by image save")]
    public string File { get; init; } = "";
}

[Description("Load the images of an archive written by image save; up then builds nothing")]
public sealed class ImageLoadCommand(CliServices services) : CloudCommand<ImageLoadSettings>(services)
{
    protected override async Task<int> RunAsync(ImageLoadSettings settings, CancellationToken cancellationToken)
    {
        await Services.Renderer(settings).RunAsync(async events =>
        {
            await Services.Manager(events).LoadImagesAsync(settings.File, cancellationToken);
            return true;
        });
        Services.Console.WriteLine($"Loaded the images of {Path.GetFullPath(settings.File)}.");
        return ExitCodes.Ok;
    }
}
