using DockStack.Cloud.Doctor;
using DockStack.Cloud.Images;
using DockStack.Cloud.Lifecycle;
using DockStack.Cloud.Nodes;
using DockStack.Docker;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Infrastructure;

/// <summary>Turns every failure into one clear message on stderr and an exit code; never a stack trace (unless --verbose).</summary>
internal static class ErrorReporter
{
    public static int Report(Exception e, bool verbose, TextWriter? error = null)
    {
        var (code, message) = Classify(e);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error ?? Console.Error) });
        if (error is not null || Console.IsErrorRedirected)
        {
            console.Profile.Width = 400;
        }
        console.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        if (verbose)
        {
            console.WriteException(e);
        }
        return code;
    }

    public static (int Code, string Message) Classify(Exception e) => e switch
    {
        OperationCanceledException => (ExitCodes.Cancelled, "Cancelled; nothing half-made was left behind."),
        DockerUnavailableException or DockerPermissionException => (ExitCodes.EngineUnavailable, e.Message),
        HostSetupException { EngineMissing: true } => (ExitCodes.EngineUnavailable, e.Message),
        HostSetupException => (ExitCodes.Failed, e.Message),
        PortInUseException or PortTakenException or AddressTakenException => (ExitCodes.PortInUse, e.Message),
        DiskFullException => (ExitCodes.DiskFull, e.Message),
        CloudNotFoundException or SnapshotNotFoundException => (ExitCodes.NotFound, e.Message),
        // An option that fails its validation or parsing: the message says which and why, the exception's name adds nothing.
        ArgumentException or FileNotFoundException or CommandAppException => (ExitCodes.Usage, e.Message),
        CloudException or BaseImageException or NodeCommandException or DockerEngineException or TimeoutException => (ExitCodes.Failed, e.Message),
        InvalidOperationException => (ExitCodes.Failed, e.Message),
        _ when e.GetType().Name.EndsWith("ConfException", StringComparison.Ordinal) => (ExitCodes.Usage, e.Message),
        _ => (ExitCodes.Failed, $"{e.GetType().Name}: {e.Message}"),
    };
}
