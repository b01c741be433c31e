using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
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

        public JournalQuery Query => new(Unit, Lines, Follow);
    }

    public static IReadOnlyList<string> JournalCommand(Settings settings) => settings.Query.Command;

    protected override Task<int> RunAsync(Settings settings, CancellationToken cancellationToken) =>
        Services.Manager(NullCloudEvents.Instance).LogsAsync(settings.Cloud, settings.Query, Console.OpenStandardOutput(), cancellationToken);
}
