using System.Text.Json.Nodes;
using DockStack.Zun.Data;

namespace DockStack.Zun.Compute;

/// <summary>
/// <c>network_attach</c> and <c>network_detach</c> on the container's host (Zun casts both): the port is made or adopted
/// and the guest connected to the engine network of its Neutron network, where kuryr binds and plugs it; or the guest
/// leaves that network and the ports made for it there are deleted. The task_state shows the work while it runs; a failure
/// is the action event's, and leaves the container as it was.
/// </summary>
public sealed partial class ComputeManager
{
    public Task<JsonNode?> HandleAsync(AttachNetwork message, CallerInfo caller, CancellationToken cancellationToken) =>
        NetworkTaskAsync(message, caller, ContainerTaskState.NetworkAttaching, "compute_network_attach", async (c, ports, id, ct) =>
        {
            var (network, address) = await ports.AttachAsync(c, new RequestedNetwork(message.Network, message.Port, message.FixedIp, message.V6FixedIp), ct);
            await store.UpdateAsync(c, ct); // the port is on record before the engine is asked: a delete releases it whatever happens next
            try
            {
                await engine.ConnectNetworkAsync(network, id, address, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                await ports.DetachAsync(c, network, CancellationToken.None);
                throw;
            }
        }, cancellationToken);

    public Task<JsonNode?> HandleAsync(DetachNetwork message, CallerInfo caller, CancellationToken cancellationToken) =>
        NetworkTaskAsync(message, caller, ContainerTaskState.NetworkDetaching, "compute_network_detach", async (c, ports, id, ct) =>
        {
            await engine.DisconnectNetworkAsync(message.Network, id, ct);
            await ports.DetachAsync(c, message.Network, ct);
        }, cancellationToken);

    private async Task<JsonNode?> NetworkTaskAsync(ContainerMessage message, CallerInfo caller, string taskState, string eventName,
        Func<Container, NeutronPorts, string, CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var c = await store.GetContainerAsync(message.Uuid, cancellationToken);
        if (c is null) { return null; }
        await using var ev = await ActionEvents.StartAsync(store, time, c.Uuid, caller.RequestId, eventName, cancellationToken);
        if (neutronPorts is null || c.ContainerId is not { } id)
        {
            ev.Fail(new Invalid(neutronPorts is null ? $"{message.Method} needs Neutron ([network] driver = kuryr)." : "Cannot operate an uncreated container."));
            return null;
        }
        try
        {
            c.TaskState = taskState;
            await store.UpdateAsync(c, cancellationToken);
            await WithinDeadlineAsync(message, ct => work(c, neutronPorts, id, ct), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogOperationFailed(message.Method, c.Uuid, e.Message);
            ev.Fail(e);
        }
        c.TaskState = null;
        await store.UpdateAsync(c, CancellationToken.None);
        return null;
    }
}
