using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Events;
using DockStack.Docker;
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

    protected override async Task<int> RunAsync(CloudSettings settings, CancellationToken cancellationToken)
    {
        var node = await Services.Manager(NullCloudEvents.Instance).RequireNodeAsync(settings.Cloud, cancellationToken);
        var stdout = Console.OpenStandardOutput();
        var stderr = Console.OpenStandardError();
        var result = await Services.Engine.ExecAsync(node.Id, new ExecRequest(_command) { CaptureAll = false, KeepTailLines = 0 }, output =>
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(output.Text);
            (output.Stream == OutputStream.Stderr ? stderr : stdout).Write(bytes);
        }, cancellationToken);
        stdout.Flush();
        return (int)result.ExitCode;
    }
}
