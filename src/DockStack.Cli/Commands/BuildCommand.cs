using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Images;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Build (or find cached) the node images a config needs, without starting a cloud (for CI caches)")]
public sealed class BuildCommand(CliServices services) : CloudCommand<BuildCommand.Settings>(services)
{
    public sealed class Settings : CloudSettings
    {
        [CommandOption("-c|--config <FILE>")]
        [Description("A DevStack local.conf; without it, built-in defaults")]
        public string? Config { get; init; }

        [CommandOption("-r|--release <SUITE>")]
        [Description("Debian suite of the node")]
        [DefaultValue(BaseImageOptions.DefaultSuite)]
        public string Release { get; init; } = BaseImageOptions.DefaultSuite;

        [CommandOption("--mirror <URL>")]
        [Description("Debian mirror (also DOCKSTACK_MIRROR)")]
        public string? Mirror { get; init; }

        [CommandOption("--http-proxy <URL>")]
        [Description("HTTP proxy for package downloads (also DOCKSTACK_HTTP_PROXY or http_proxy)")]
        public string? HttpProxy { get; init; }

        public override ValidationResult Validate() =>
            Config is not null && !File.Exists(Config) ? ValidationResult.Error($"The config file '{Config}' does not exist.") : base.Validate();
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var config = settings.Config is null ? null : Path.GetFullPath(settings.Config);
        var baseOptions = BaseImageOptions.From(settings.Release, settings.Mirror, settings.HttpProxy);
        var image = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).BuildImagesAsync(config, baseOptions, cancellationToken));
        Services.Console.WriteLine($"Node image: {image}");
        return ExitCodes.Ok;
    }
}
