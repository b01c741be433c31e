using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

public sealed partial class CloudManager
{
    /// <summary>The host route to the cloud's floating IPs; applied or deleted on this host with <paramref name="action"/> (as root).</summary>
    public async Task<HostRoute> RouteAsync(CloudName cloud, RouteAction action, CancellationToken cancellationToken)
    {
        var node = await RequireNodeAsync(cloud, cancellationToken);
        var route = RouteOf(cloud, node)
            ?? throw new CloudException($"Cloud '{cloud}' has no public network (Neutron is not enabled in its local.conf): there are no floating IPs to route.");
        if (action == RouteAction.Show)
        {
            return route;
        }
        if (!Environment.IsPrivilegedProcess)
        {
            throw new CloudException($"Changing the host's routes needs root. Run: sudo {HostRoute.Display(action == RouteAction.Apply ? route.AddCommand : route.DeleteCommand)}");
        }
        if (action == RouteAction.Delete && !await HasRouteAsync(route, cancellationToken))
        {
            events.Info($"The host has no route to {route.Network} via {route.Via}: nothing to delete.");
            return route;
        }
        var command = action == RouteAction.Apply ? route.AddCommand : route.DeleteCommand;
        await events.StepAsync(HostRoute.Display(command), async () =>
        {
            var (exitCode, tail) = await HostCommand.RunAsync(command, events, cancellationToken);
            if (exitCode != 0)
            {
                throw new CloudException($"'{HostRoute.Display(command)}' exited with {exitCode}: {tail}");
            }
        });
        return route;
    }

    private HostRoute? RouteOf(CloudName cloud, ContainerInfo node) =>
        PlanOf(cloud, node).FloatingRange is { } range && node.IpAddress is { Length: > 0 } address ? new HostRoute(range, address) : null;

    private async Task<bool> HasRouteAsync(HostRoute route, CancellationToken cancellationToken)
    {
        if (HostTools.Find("ip") is null)
        {
            return false;
        }
        var output = new System.Text.StringBuilder();
        var (exitCode, _) = await HostCommand.RunAsync(["ip", "route", "show", route.Network], new OutputCollector(output), cancellationToken);
        return exitCode == 0 && route.IsIn(output.ToString());
    }

    /// <summary>Before a node goes away: the route `route --apply` made through its address would point at nothing (or,
    /// later, at another container that gets the address), so it goes too. Only as root, and never a failure of `down`.</summary>
    private async Task RemoveHostRouteAsync(CloudName cloud, ContainerInfo node, CancellationToken cancellationToken)
    {
        if (!Environment.IsPrivilegedProcess || !node.Running)
        {
            return;
        }
        try
        {
            if (RouteOf(cloud, node) is { } route && await HasRouteAsync(route, cancellationToken))
            {
                await HostCommand.RunAsync(route.DeleteCommand, events, cancellationToken);
                events.Info($"Removed the host route to {route.Network} via {route.Via}.");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            events.Warn($"Could not check the host's route to the cloud's floating IPs: {e.Message}");
        }
    }
}
