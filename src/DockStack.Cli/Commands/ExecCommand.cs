using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Events;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Run a command in the node: dockstack exec -- CMD ARGS... (its exit code is passed through)")]
public sealed class ExecCommand(CliServices services) : CloudCommand<CloudSettings>(services)
{
    private IReadOnlyList<string> _command = [];

    public override ValidationResult Validate(CommandContext context, CloudSettings settings)
    {
        _command = context.Remaining.Raw.ToList();
        return _command.Count == 0 ? ValidationResult.Error("Give the command after '--', e.g. dockstack exec -- systemctl status") : base.Validate(context, settings);
    }

    protected override Task<int> RunAsync(CloudSettings settings, CancellationToken cancellationToken) =>
        Services.Manager(NullCloudEvents.Instance).ExecAsync(settings.Cloud, _command, Console.OpenStandardOutput(), Console.OpenStandardError(), cancellationToken);
}
