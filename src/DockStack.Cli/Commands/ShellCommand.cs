using System.ComponentModel;
using System.Diagnostics;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Events;

namespace DockStack.Cli.Commands;

[Description("Open an interactive bash in the node (exit leaves it)")]
public sealed class ShellCommand(CliServices services) : CloudCommand<CloudSettings>(services)
{
    protected override async Task<int> RunAsync(CloudSettings settings, CancellationToken cancellationToken)
    {
        var tty = !Console.IsInputRedirected && !Console.IsOutputRedirected;
        var shell = await Services.Manager(NullCloudEvents.Instance)
            .OpenShellAsync(settings.Cloud, tty, Environment.GetEnvironmentVariable("TERM") ?? "xterm", cancellationToken);
        string? saved = tty ? Stty("-g") : null;
        try
        {
            if (tty)
            {
                Stty("raw -echo");
            }
            // In raw mode Ctrl+C reaches the shell in the node, not us; the shell's exit ends the session.
            return await shell.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(),
                tty ? () => (Console.WindowWidth, Console.WindowHeight) : null, CancellationToken.None);
        }
        finally
        {
            if (saved is not null)
            {
                Stty(saved);
            }
        }
    }

    /// <summary>Sets or reads the host terminal's mode (raw while the shell runs, restored after).</summary>
    private static string? Stty(string arguments)
    {
        var start = new ProcessStartInfo("stty", arguments) { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start);
        var output = process?.StandardOutput.ReadToEnd().Trim();
        process?.WaitForExit();
        return output;
    }
}
