using System.ComponentModel;
using DockStack.Cloud.Images;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

/// <summary>Options of the commands that need a cloud's images: its config, its Debian suite and where packages come from.</summary>
public class ConfigSettings : OutputSettings
{
    [CommandOption("-c|--config <FILE>")]
    [Description("A DevStack local.conf; without it, built-in defaults")]
    public string? Config { get; init; }

    [CommandOption("-r|--release <SUITE>")]
    [Description("Debian suite of the node (trixie: OpenStack 2025.1; bookworm: Zed)")]
    [DefaultValue(BaseImageOptions.DefaultSuite)]
    public string Release { get; init; } = BaseImageOptions.DefaultSuite;

    [CommandOption("--mirror <URL>")]
    [Description("Debian mirror for building images (also DOCKSTACK_MIRROR)")]
    public string? Mirror { get; init; }

    [CommandOption("--http-proxy <URL>")]
    [Description("HTTP proxy for package downloads (also DOCKSTACK_HTTP_PROXY or http_proxy)")]
    public string? HttpProxy { get; init; }

    /// <summary>The config's full path, or null for the built-in defaults.</summary>
    public string? ConfigPath => Config is null ? null : Path.GetFullPath(Config);

    public BaseImageOptions BaseOptions => BaseImageOptions.From(Release, Mirror, HttpProxy);

    public override ValidationResult Validate()
    {
        if (Config is not null && !File.Exists(Config))
        {
            return ValidationResult.Error($"The config file '{Config}' does not exist.");
        }
        if (!System.Text.RegularExpressions.Regex.IsMatch(Release, "^[a-z]+$"))
        {
            return ValidationResult.Error($"'{Release}' is not a Debian suite name (e.g. trixie, bookworm).");
        }
        return base.Validate();
    }
}
