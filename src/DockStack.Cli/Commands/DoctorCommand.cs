using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Doctor;
using DockStack.Cloud.Images;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Check that this host can run a cloud; each failed check says how to fix it (--fix: install and start what is missing)")]
public sealed class DoctorCommand(CliServices services) : CloudCommand<DoctorCommand.Settings>(services)
{
    public sealed class Settings : OutputSettings
    {
        [CommandOption("--fix")]
        [Description("As root, install what is missing from the distribution (docker.io, mmdebstrap) and start the engine; otherwise print the commands")]
        public bool Fix { get; init; }
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Fix)
        {
            await Services.Renderer(settings).RunAsync(async events =>
            {
                await HostSetup.EnsureAsync(Services.Engine, events, cancellationToken);
                return true;
            });
        }
        var checks = await new HostChecks(() => Services.Engine, BaseImageOptions.From(null, null, null)).RunAsync(cancellationToken);
        if (settings.Json)
        {
            Json.Write(Services.Console, checks);
        }
        else
        {
            var table = new Table().AddColumns("CHECK", "RESULT", "DETAIL", "FIX");
            foreach (var c in checks)
            {
                table.AddRow(Markup.Escape(c.Name), c.Ok ? "[green]ok[/]" : "[red]FAIL[/]", Markup.Escape(c.Detail), Markup.Escape(c.Fix ?? ""));
            }
            Services.Console.Write(table);
        }
        return checks.All(c => c.Ok) ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
