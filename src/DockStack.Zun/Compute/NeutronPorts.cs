using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.OpenStack.Neutron;
using DockStack.Zun.Data;
using DockStack.Zun.Kuryr;

namespace DockStack.Zun.Compute;

/// <summary>
/// Containers on Neutron networks, as Zun does it with kuryr (<c>[network] driver = kuryr</c>): the container's port is made
/// in the container's project with its security groups (the project's <c>default</c> when none are given), or is the port
/// the user passed; the engine network named after the Neutron network (driver and IPAM <c>kuryr</c>) is made when absent;
/// the guest is created on it with the port's address, which kuryr finds and binds. <c>addresses</c> is Zun's: per network,
/// addr, version, port, subnet_id, preserve_on_delete. A port made here is deleted with the container; a user's port is kept.
/// Without <c>nets</c>, the project's network is Zun's default rule: the one network the project owns, else the one shared
/// network; when there is none (or several), the container stays on the engine's own network, as with the docker driver.
/// </summary>
public sealed class NeutronPorts(NeutronClient neutron, IGuestEngine? engine, string host)
{
    public const string NetworkKind = "zun-neutron-network";

    /// <summary>Checks a create's <c>nets</c> against Neutron before anything is stored: 404 for an unknown network, port or
    /// security group (or one of another project), 409 for a port already bound, 400 for an address outside the network.</summary>
    public async Task ValidateAsync(Container c, bool admin, CancellationToken ct)
    {
        if (c.Nets?.FirstOrDefault() is not { } wanted)
        {
            if (c.SecurityGroups is { Count: > 0 }) { await SecurityGroupIdsAsync(c.SecurityGroups, c.ProjectId, ct); }
            return;
        }
        if (wanted.Port is { } portId)
        {
            await UsablePortAsync(portId, c.ProjectId, admin, ct);
            return;
        }
        var network = await NetworkAsync(wanted.Network!, c.ProjectId, admin, ct);
        if (wanted.V4FixedIp is { } ip) { await SubnetForAsync(network, ip, ct); }
        else if (!HasSubnet(network)) { throw new InvalidValue($"Network {Text(network["id"])} has no subnet: a container on it would get no address."); }
        await SecurityGroupIdsAsync(c.SecurityGroups, c.ProjectId, ct);
    }

    /// <summary>The engine network and address the guest is created with, the port made or adopted and
    /// <see cref="Container.Addresses"/> set; null when the container has no Neutron network (the default rule found none).</summary>
    public async Task<(string Network, string Address)?> PlugAsync(Container c, CancellationToken ct)
    {
        JsonObject port;
        if (AddressEntries(c).Select(a => Text(a["port"])).FirstOrDefault(p => p is not null) is { } existing
            && await neutron.GetPortAsync(existing, ct) is { } kept)
        {
            port = kept; // a rebuild keeps the container's port and address
        }
        else if (c.Nets?.FirstOrDefault() is { Port: { } given })
        {
            port = await UsablePortAsync(given, c.ProjectId, admin: true, ct);
            c.Addresses = Addresses(port, preserve: true);
        }
        else
        {
            var wanted = c.Nets?.FirstOrDefault();
            var network = wanted?.Network is { } name ? await NetworkAsync(name, c.ProjectId, admin: true, ct) : await DefaultNetworkAsync(c.ProjectId, ct);
            if (network is null) { return null; }
            var fixedIp = new JsonObject();
            if (wanted?.V4FixedIp is { } ip) { fixedIp["subnet_id"] = Text((await SubnetForAsync(network, ip, ct))["id"]); fixedIp["ip_address"] = ip; }
            var create = new JsonObject
            {
                ["network_id"] = Text(network["id"]),
                ["project_id"] = c.ProjectId,
                ["name"] = $"zun-{c.Uuid}",
                ["security_groups"] = new JsonArray([.. (await SecurityGroupIdsAsync(c.SecurityGroups, c.ProjectId, ct)).Select(id => (JsonNode?)id)]),
            };
            if (fixedIp.Count > 0) { create["fixed_ips"] = new JsonArray(fixedIp); }
            port = await neutron.CreatePortAsync(create, ct);
            c.Addresses = Addresses(port, preserve: false);
            if (port["fixed_ips"] is not JsonArray { Count: > 0 }) { throw new InvalidValue($"Network {Text(network["id"])} gave the container's port no address (it has no subnet)."); }
        }
        var subnet = await SubnetAsync(Text(port["fixed_ips"]![0]!["subnet_id"])!, ct);
        var networkId = Text(port["network_id"])!;
        var options = new Dictionary<string, string> { [KuryrProtocol.NetUuidOption] = networkId };
        await (engine ?? throw new InvalidOperationException("No engine to make networks on.")).EnsureDriverNetworkAsync(new DriverNetworkSpec(networkId, "kuryr", options, "kuryr", options, Text(subnet["cidr"])!, Text(subnet["gateway_ip"]),
            Labels.For(NetworkKind, extra: new Dictionary<string, string> { [ComputeManager.HostLabel] = host })), ct);
        return (networkId, Text(port["fixed_ips"]![0]!["ip_address"])!);
    }

    /// <summary>Deletes the ports made for the container (after its guest is gone: kuryr has unbound them); a user's port stays.</summary>
    public async Task ReleaseAsync(Container c, CancellationToken ct)
    {
        foreach (var address in AddressEntries(c))
        {
            if (address["preserve_on_delete"]?.GetValue<bool>() != true && Text(address["port"]) is { } port)
            {
                await neutron.DeletePortAsync(port, ct);
            }
        }
    }

    /// <summary>The entries of the container's <c>addresses</c>, one per fixed IP of its ports.</summary>
    private static IEnumerable<JsonObject> AddressEntries(Container c) =>
        c.Addresses.Select(n => n.Value).OfType<JsonArray>().SelectMany(a => a).OfType<JsonObject>();

    private static JsonObject Addresses(JsonObject port, bool preserve) => new()
    {
        [Text(port["network_id"])!] = new JsonArray([.. port["fixed_ips"]!.AsArray().Select(ip => (JsonNode?)new JsonObject
        {
            ["addr"] = Text(ip!["ip_address"]),
            ["version"] = Text(ip["ip_address"])!.Contains(':', StringComparison.Ordinal) ? 6 : 4,
            ["port"] = Text(port["id"]),
            ["subnet_id"] = Text(ip["subnet_id"]),
            ["preserve_on_delete"] = preserve,
        })]),
    };

    private async Task<JsonObject> NetworkAsync(string idOrName, string projectId, bool admin, CancellationToken ct)
    {
        var network = await neutron.GetNetworkAsync(idOrName, ct);
        if (network is null)
        {
            var named = (await neutron.ListAsync("networks", NeutronClient.Query(("name", idOrName)), ct)).Where(n => Visible(n, projectId, admin)).ToList();
            if (named.Count > 1) { throw new Conflict($"Multiple Neutron networks are named {idOrName}; use the network's id."); }
            network = named.FirstOrDefault();
        }
        return network is not null && Visible(network, projectId, admin) ? network : throw new NetworkNotFound(idOrName);
    }

    /// <summary>Zun's default rule: the project's own network when it has exactly one, else the one shared network.</summary>
    private async Task<JsonObject?> DefaultNetworkAsync(string projectId, CancellationToken ct)
    {
        var own = (await neutron.ListAsync("networks", NeutronClient.Query(("project_id", projectId)), ct))
            .Where(n => n["router:external"]?.GetValue<bool>() != true && HasSubnet(n)).ToList();
        if (own.Count == 1) { return own[0]; }
        if (own.Count > 1) { return null; }
        var shared = (await neutron.ListAsync("networks", NeutronClient.Query(("shared", "true")), ct)).Where(HasSubnet).ToList();
        return shared.Count == 1 ? shared[0] : null;
    }

    private async Task<JsonObject> UsablePortAsync(string portId, string projectId, bool admin, CancellationToken ct)
    {
        var port = await neutron.GetPortAsync(portId, ct);
        if (port is null || !(admin || Text(port["project_id"]) == projectId)) { throw new PortNotFound(portId); }
        if (Text(port["device_id"]) is not null || Text(port["device_owner"]) is not null) { throw new PortInUse(portId); }
        return port;
    }

    private async Task<JsonObject> SubnetForAsync(JsonObject network, string ip, CancellationToken ct)
    {
        var subnets = await neutron.ListAsync("subnets", NeutronClient.Query(("network_id", Text(network["id"])!)), ct);
        return subnets.FirstOrDefault(s => KuryrProtocol.InSubnet(ip, Text(s["cidr"])!))
            ?? throw new InvalidValue($"Fixed IP {ip} is not in any subnet of network {Text(network["id"])} ({string.Join(", ", subnets.Select(s => Text(s["cidr"])))}).");
    }

    private async Task<JsonObject> SubnetAsync(string id, CancellationToken ct) =>
        (await neutron.ListAsync("subnets", NeutronClient.Query(("id", id)), ct)).FirstOrDefault() ?? throw new InvalidValue($"Neutron has no subnet {id}.");

    /// <summary>The ids of the named (or id-given) groups of the project; the project's <c>default</c> group when none.</summary>
    private async Task<List<string>> SecurityGroupIdsAsync(List<string>? groups, string projectId, CancellationToken ct)
    {
        var ids = new List<string>();
        var project = await neutron.ListAsync("security-groups", NeutronClient.Query(("project_id", projectId)), ct);
        foreach (var group in groups is { Count: > 0 } ? groups : ["default"])
        {
            var found = project.Where(g => Text(g["id"]) == group || Text(g["name"]) == group).ToList();
            if (found.Count == 0) { throw new SecurityGroupNotFound(group); }
            if (found.Count > 1) { throw new Conflict($"Multiple security groups are named {group}; use the group's id."); }
            ids.Add(Text(found[0]["id"])!);
        }
        return ids;
    }

    private static bool HasSubnet(JsonObject network) => network["subnets"] is JsonArray { Count: > 0 };

    private static bool Visible(JsonObject network, string projectId, bool admin) =>
        admin || Text(network["project_id"]) == projectId || network["shared"]?.GetValue<bool>() == true;

    private static string? Text(JsonNode? node) => KuryrProtocol.Text(node);
}
