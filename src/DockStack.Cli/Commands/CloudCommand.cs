using DockStack.Cli.Infrastructure;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

/// <summary>Base of every command: one place that turns failures into a message and an exit code.</summary>
public abstract class CloudCommand<TSettings>(CliServices services) : AsyncCommand<TSettings>
    where TSettings : CloudSettings
{
    protected CliServices Services { get; } = services;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(settings, cancellationToken);
        }
        catch (Exception e)
        {
            return ErrorReporter.Report(e, settings.Verbose);
        }
    }

    protected abstract Task<int> RunAsync(TSettings settings, CancellationToken cancellationToken);
}
