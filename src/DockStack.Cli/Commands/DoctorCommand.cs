using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Doctor;
using DockStack.Cloud.Images;
using Spectre.Console;

namespace DockStack.Cli.Commands;

[Description("Check that this host can run a cloud; each failed check says how to fix it")]
public sealed class DoctorCommand(CliServices services) : CloudCommand<OutputSettings>(services)
{
    protected override async Task<int> RunAsync(OutputSettings settings, CancellationToken cancellationToken)
    {
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
