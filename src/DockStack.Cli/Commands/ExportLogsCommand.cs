using System.ComponentModel;
using System.Text.Json;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Write what a failed CI job uploads into DIR: every unit's journal, the services' logs, the rendered configuration (passwords masked), status as JSON, the nested engine's containers")]
public sealed class ExportLogsCommand(CliServices services) : CloudCommand<ExportLogsCommand.Settings>(services)
{
    public sealed class Settings : CloudSettings
    {
        [CommandArgument(0, "<DIR>")]
        [Description("The folder to write (created when missing; files of the same names are replaced)")]
        public string Directory { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Directory) ? ValidationResult.Error("export logs needs a folder: dockstack export logs DIR") : base.Validate();
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var status = await Services.Manager(NullCloudEvents.Instance).StatusAsync(settings.Cloud, cancellationToken);
        var statusJson = JsonSerializer.Serialize(StatusView.ToJson(status), Json.Options);
        var report = await Services.Renderer(settings).RunAsync(events =>
            Services.Manager(events).ExportLogsAsync(settings.Cloud, settings.Directory, statusJson, cancellationToken));
        Services.Console.WriteLine($"Wrote {report.Files} files ({report.Bytes / 1024.0 / 1024.0:0.0} MB) to {report.Directory}");
        return ExitCodes.Ok;
    }
}
