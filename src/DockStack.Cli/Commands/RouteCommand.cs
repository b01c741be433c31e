using System.ComponentModel;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Lifecycle;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

[Description("Print the host route to the cloud's floating IPs (through its node); --apply adds it, --delete removes it (root)")]
public sealed class RouteCommand(CliServices services) : CloudCommand<RouteCommand.Settings>(services)
{
    public sealed class Settings : CloudSettings
    {
        [CommandOption("--apply")]
        [Description("Add (or replace) the route on this host: ip route replace FLOATING_RANGE via NODE_ADDRESS")]
        public bool Apply { get; init; }

        [CommandOption("--delete")]
        [Description("Remove the route from this host")]
        public bool Delete { get; init; }

        public override ValidationResult Validate() =>
            Apply && Delete ? ValidationResult.Error("route takes --apply or --delete, not both") : base.Validate();
    }

    protected override async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        var action = settings.Apply ? RouteAction.Apply : settings.Delete ? RouteAction.Delete : RouteAction.Show;
        var route = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).RouteAsync(settings.Cloud, action, cancellationToken));
        Services.Console.WriteLine(action switch
        {
            RouteAction.Apply => $"Floating IPs of cloud '{settings.Cloud}' ({route.Network}) are reachable from this host via {route.Via}; `dockstack down` removes the route.",
            RouteAction.Delete => $"No route to {route.Network} via {route.Via} on this host.",
            _ => HostRoute.Display(route.AddCommand),
        });
        return ExitCodes.Ok;
    }
}
