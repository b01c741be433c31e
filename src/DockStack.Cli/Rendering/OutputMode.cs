using Spectre.Console;

namespace DockStack.Cli.Rendering;

/// <summary>How to talk to the user: live progress on a terminal, plain timestamped lines otherwise.</summary>
public sealed record OutputMode(bool Interactive, bool Verbose, bool Json)
{
    public static OutputMode Detect(IAnsiConsole console, bool verbose, bool json) =>
        new(console.Profile.Capabilities.Interactive && !Console.IsOutputRedirected && !json, verbose, json);
}
