using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <summary>Which loopback address a new cloud gets (<see cref="CloudAddress"/>): one address per cloud, for its life.</summary>
public static class AddressAllocation
{
    /// <summary>The address each node of ours holds, running or stopped: its label (127.0.0.1 when it has none).</summary>
    public static IReadOnlyList<(string Cloud, CloudAddress Address)> Held(IEnumerable<ContainerSummary> nodes) =>
        nodes.Select(n => (n.Labels.GetValueOrDefault(Labels.Cloud, n.Name), CloudAddress.Of(n.Labels))).ToList();

    /// <summary>
    /// The <paramref name="requested"/> address unless another cloud holds it (<see cref="AddressTakenException"/>), or
    /// without one the lowest that none holds: 127.0.0.1 for the first cloud, then 127.0.0.2, ...
    /// </summary>
    public static CloudAddress Choose(CloudAddress? requested, IReadOnlyList<(string Cloud, CloudAddress Address)> held)
    {
        if (requested is not null)
        {
            return held.FirstOrDefault(h => h.Address == requested) is { Cloud: { } holder }
                ? throw new AddressTakenException($"Address {requested} belongs to cloud '{holder}'. Choose another --address, or leave it out to get the lowest free one.")
                : requested;
        }
        return CloudAddress.LowestFree(held.Select(h => h.Address))
            ?? throw new AddressTakenException("Every address from 127.0.0.1 to 127.0.0.254 belongs to a cloud; give the new one with --address (e.g. 127.0.1.1).");
    }
}
