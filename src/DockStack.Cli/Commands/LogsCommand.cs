using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Events;
using DockStack.Docker;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Show the node's journal, or one unit's (keystone, nova-api, ...); -f follows")]
public sealed class LogsCommand(CliServices services) : CloudCommand<LogsCommand.Settings>(services)
{
    public sealed class Settings : CloudSettings
    {
        [CommandArgument(0, "[UNIT]")]
        [Description("A systemd unit in the node; without it, the whole journal")]
        public string? Unit { get; init; }

        [CommandOption("-f|--follow")]
        [Description("Keep printing new lines until Ctrl+C")]
        public bool Follow { get; init; }

        [CommandOption("--lines <N>")]
        [Description("How many past lines to show")]
        [DefaultValue(200)]
        public int Lines { get; init; } = 200;
    }

    public static IReadOnlyList<string> JournalCommand(Settings settings)
    {
        var command = new List<string> { "journalctl", "--no-pager", "-o", "short-iso", "-n", settings.Lines.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (settings.Unit is { Length: > 0 } unit)
        {
            command.AddRange(["-u", unit]);
        }
        if (settings.Follow)
        {
            command.Add("-f");
        }
        return command;
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var node = await Services.Manager(NullCloudEvents.Instance).RequireNodeAsync(settings.Cloud, cancellationToken);
        var stdout = Console.OpenStandardOutput();
        try
        {
            var result = await Services.Engine.ExecAsync(node.Id, new ExecRequest(JournalCommand(settings)) { CaptureAll = false }, o =>
            {
                stdout.Write(System.Text.Encoding.UTF8.GetBytes(o.Text));
                stdout.Flush();
            }, cancellationToken);
            return (int)result.ExitCode;
        }
        catch (OperationCanceledException) when (settings.Follow)
        {
            return ExitCodes.Ok;
        }
    }
}
