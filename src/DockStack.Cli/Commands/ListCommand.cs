using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using Spectre.Console;

namespace DockStack.Cli.Commands;

[Description("List the clouds that exist")]
public sealed class ListCommand(CliServices services) : CloudCommand<OutputSettings>(services)
{
    protected override async Task<int> RunAsync(OutputSettings settings, CancellationToken cancellationToken)
    {
        var clouds = await Services.Manager(NullCloudEvents.Instance).ListAsync(cancellationToken);
        if (settings.Json)
        {
            Json.Write(Services.Console, clouds);
            return ExitCodes.Ok;
        }
        if (clouds.Count == 0)
        {
            Services.Console.WriteLine("No clouds. Create one with: ./dockstack up");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("NAME", "ADDRESS", "NODE", "STATE", "STATUS", "IMAGE");
        foreach (var c in clouds)
        {
            table.AddRow(Markup.Escape(c.Name), Markup.Escape(c.Address), Markup.Escape(c.Container), Markup.Escape(c.State), Markup.Escape(c.Status), Markup.Escape(c.Image));
        }
        Services.Console.Write(table);
        return ExitCodes.Ok;
    }
}
