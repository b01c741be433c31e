using System.ComponentModel;
using DockStack.Cloud.Nodes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

/// <summary>Options every command takes.</summary>
public class CloudSettings : CommandSettings
{
    [CommandOption("-n|--name <NAME>")]
    [Description("The cloud to act on")]
    [DefaultValue(CloudName.Default)]
    public string Name { get; init; } = CloudName.Default;

    [CommandOption("-v|--verbose")]
    [Description("Show the engine's and the node's own output, and stack traces on errors")]
    public bool Verbose { get; init; }

    public CloudName Cloud => CloudName.Parse(Name);

    public override ValidationResult Validate()
    {
        try
        {
            _ = Cloud;
            return ValidationResult.Success();
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error(e.Message);
        }
    }
}

/// <summary>Options of commands that print data: <c>--output json</c> for scripts.</summary>
public class OutputSettings : CloudSettings
{
    [CommandOption("-o|--output <FORMAT>")]
    [Description("text (default) or json")]
    [DefaultValue("text")]
    public string Output { get; init; } = "text";

    public bool Json => Output.Equals("json", StringComparison.OrdinalIgnoreCase);

    public override ValidationResult Validate()
    {
        if (!Output.Equals("text", StringComparison.OrdinalIgnoreCase) && !Json)
        {
            return ValidationResult.Error($"--output must be 'text' or 'json', not '{Output}'.");
        }
        return base.Validate();
    }
}
