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
    /// security group (or one of another project), 409 for a port already bound, 400 for an address outside the network or
    /// a network given twice.</summary>
    /// <remarks>What it finds is kept, so zun-compute need not ask again: each <c>nets</c> network by id, the groups by id
    /// (as Zun stores them; the project's <c>default</c> when none are given and the container asks for a network).</remarks>
    public async Task ValidateAsync(Container c, bool admin, CancellationToken ct)
    {
        var networks = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (c.Nets?.Count ?? 0); i++)
        {
            var wanted = c.Nets![i];
            var network = await ValidateEntryAsync(wanted, c.ProjectId, admin, ct);
            if (!networks.Add(network)) { throw new Invalid($"Network {network} is given twice in nets: a container has one port on a network."); }
            if (wanted.Network is not null) { c.Nets[i] = wanted with { Network = network }; }
        }
        if (c.SecurityGroups is { Count: > 0 } || c.Nets?.Any(n => n.Port is null) == true)
        {
            c.SecurityGroups = (await SecurityGroupIdsAsync(c.SecurityGroups, c.ProjectId, ct)).Distinct(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Checks one network request (a create's <c>nets</c> entry, a <c>network_attach</c>); returns the network's id.</summary>
    public async Task<string> ValidateEntryAsync(RequestedNetwork wanted, string projectId, bool admin, CancellationToken ct)
    {
        if (wanted.Port is { } portId) { return Text((await UsablePortAsync(portId, projectId, admin, ct))["network_id"])!; }
        var network = await NetworkAsync(wanted.Network!, projectId, admin, ct);
        if (wanted.FixedIps().Any()) { SubnetsFor(network, wanted, await SubnetsOfAsync(network, ct)); }
        else if (!HasSubnet(network)) { throw new InvalidValue($"Network {Text(network["id"])} has no subnet: a container on it would get no address."); }
        return Text(network["id"])!;
    }

    /// <summary>The id of the visible network by id or name (404 when there is none).</summary>
    public async Task<string> NetworkIdAsync(string idOrName, string projectId, bool admin, CancellationToken ct) =>
        Text((await NetworkAsync(idOrName, projectId, admin, ct))["id"])!;

    /// <summary>The engine networks and addresses the guest joins (the first when it is created, the others before it
    /// starts), each port made or adopted and <see cref="Container.Addresses"/> set; null when the container has no Neutron
    /// network (the default rule found none). A rebuild keeps the container's ports and addresses.</summary>
    public async Task<IReadOnlyList<(string Network, EndpointAddresses Addresses)>?> PlugAsync(Container c, CancellationToken ct)
    {
        var ports = await PortsOfAsync(c, ct);
        if (ports.Count == 0)
        {
            c.Addresses = [];
            foreach (var wanted in c.Nets is { Count: > 0 } nets ? nets.Cast<RequestedNetwork?>() : [null])
            {
                if (await PortForAsync(c, wanted, ct) is not { } port) { return null; }
                ports.Add(port);
            }
        }
        var plugged = new List<(string Network, EndpointAddresses Addresses)>();
        foreach (var port in ports) { plugged.Add(await EngineNetworkAsync(port, ct)); }
        return plugged;
    }

    /// <summary><c>network_attach</c>: a port on the network asked for (or the port given) is made or adopted and added to
    /// the container's <c>addresses</c>; returns the engine network and address to connect the guest to.</summary>
    public async Task<(string Network, EndpointAddresses Addresses)> AttachAsync(Container c, RequestedNetwork wanted, CancellationToken ct)
    {
        var port = await PortForAsync(c, wanted, ct) ?? throw new NetworkNotFound(wanted.Network ?? wanted.Port ?? "");
        return await EngineNetworkAsync(port, ct);
    }

    /// <summary><c>network_detach</c>, after the guest left the engine network: the network's entries leave <c>addresses</c>,
    /// and its ports made here are deleted (a user's port stays, unbound by kuryr).</summary>
    public async Task DetachAsync(Container c, string networkId, CancellationToken ct)
    {
        var entries = (c.Addresses[networkId] as JsonArray ?? []).OfType<JsonObject>().ToList();
        c.Addresses.Remove(networkId);
        await DeletePortsAsync(entries, ct);
    }

    /// <summary>Deletes the ports made for the container (after its guest is gone: kuryr has unbound them); a user's port
    /// stays. Then the group made for its exposed ports.</summary>
    public async Task ReleaseAsync(Container c, CancellationToken ct)
    {
        await DeletePortsAsync(AddressEntries(c), ct);
        if (c.ExposedPorts is { Count: > 0 })
        {
            foreach (var group in await neutron.ListAsync("security-groups", NeutronClient.Query(("name", ExposedGroupName(c)), ("project_id", c.ProjectId)), ct))
            {
                await neutron.DeleteAsync("security-groups", Text(group["id"])!, ct);
            }
        }
    }

    /// <summary>The legacy <c>add_security_group</c>/<c>remove_security_group</c>: the project's group (by name or id; 404
    /// when unknown) added to or taken from each port of the container and its <c>security_groups</c>; 400 when the
    /// container has it already (add) or has it not, or would be left with none (remove).</summary>
    public async Task ChangeSecurityGroupAsync(Container c, string group, bool add, CancellationToken ct)
    {
        var id = (await SecurityGroupIdsAsync([group], c.ProjectId, ct))[0];
        var ports = await PortsOfAsync(c, ct);
        if (ports.Count == 0) { throw new Invalid($"Container {c.Uuid} has no Neutron port to change the security groups of."); }
        foreach (var port in ports)
        {
            var groups = (port["security_groups"] as JsonArray ?? []).Select(Text).OfType<string>().ToList();
            if (add == groups.Contains(id))
            {
                throw new Invalid(add ? $"Container {c.Uuid} already has security group {group}." : $"Container {c.Uuid} does not have security group {group}.");
            }
            groups = add ? [.. groups, id] : [.. groups.Where(g => g != id)];
            if (groups.Count == 0) { throw new Invalid($"Security group {group} is the last of container {c.Uuid}: a port keeps at least one."); }
            await neutron.UpdatePortAsync(Text(port["id"])!, new JsonObject { ["security_groups"] = new JsonArray([.. groups.Select(g => (JsonNode?)g)]) }, ct);
            c.SecurityGroups = groups;
        }
    }

    /// <summary>The container's ports that Neutron still has, from its <c>addresses</c>.</summary>
    private async Task<List<JsonObject>> PortsOfAsync(Container c, CancellationToken ct)
    {
        var ports = new List<JsonObject>();
        foreach (var id in AddressEntries(c).Select(a => Text(a["port"])).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (await neutron.GetPortAsync(id, ct) is { } port) { ports.Add(port); }
        }
        return ports;
    }

    private async Task DeletePortsAsync(IEnumerable<JsonObject> entries, CancellationToken ct)
    {
        foreach (var port in entries.Where(a => a["preserve_on_delete"]?.GetValue<bool>() != true).Select(a => Text(a["port"])).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            await neutron.DeletePortAsync(port, ct);
        }
    }

    /// <summary>The port of one network request (null: the project's default network, none found), in <c>addresses</c>,
    /// bound to this node for the container (<see cref="Binding"/>).</summary>
    private async Task<JsonObject?> PortForAsync(Container c, RequestedNetwork? wanted, CancellationToken ct)
    {
        if (wanted?.Port is { } given)
        {
            var adopted = await UsablePortAsync(given, c.ProjectId, admin: true, ct);
            adopted = await neutron.UpdatePortAsync(Text(adopted["id"])!, Binding(c), ct);
            Merge(c, adopted, preserve: true);
            return adopted;
        }
        // A network id the api checked is used as it is (Neutron refuses the port if the network went since).
        var network = wanted is { Network: { } checkedId, V4FixedIp: null, V6FixedIp: null } && IsId(checkedId) ? new JsonObject { ["id"] = checkedId }
            : wanted?.Network is { } name ? await NetworkAsync(name, c.ProjectId, admin: true, ct) : await DefaultNetworkAsync(c.ProjectId, ct);
        if (network is null) { return null; }
        var create = new JsonObject
        {
            ["network_id"] = Text(network["id"]),
            ["project_id"] = c.ProjectId,
            ["name"] = $"zun-{c.Uuid}",
            ["security_groups"] = new JsonArray([.. (await GroupsOfAsync(c, ct)).Select(id => (JsonNode?)id)]),
        };
        foreach (var (key, value) in Binding(c)) { create[key] = value?.DeepClone(); }
        if (wanted is not null && wanted.FixedIps().Any())
        {
            var fixedIps = new JsonArray();
            foreach (var (subnet, address) in SubnetsFor(network, wanted, await SubnetsOfAsync(network, ct)))
            {
                var fixedIp = new JsonObject { ["subnet_id"] = Text(subnet["id"]) };
                if (address is not null) { fixedIp["ip_address"] = address; } // Neutron refuses a null one
                fixedIps.Add((JsonNode)fixedIp);
            }
            create["fixed_ips"] = fixedIps;
        }
        var port = await neutron.CreatePortAsync(create, ct);
        Merge(c, port, preserve: false);
        if (port["fixed_ips"] is not JsonArray { Count: > 0 }) { throw new InvalidValue($"Network {Text(network["id"])} gave the container's port no address (it has no subnet)."); }
        return port;
    }

    /// <summary>The port's owner and binding, set as the port is made (or adopted): the container's uuid as its device, as in
    /// Zun, and bound to this node for kuryr, which then plugs it without a second update (Neutron binds it once).</summary>
    private JsonObject Binding(Container c) => new()
    {
        ["device_id"] = c.Uuid,
        ["device_owner"] = KuryrProtocol.DeviceOwner,
        ["binding:host_id"] = host,
    };

    /// <summary>The engine network named after the port's Neutron network (driver and IPAM kuryr), made when absent with
    /// the subnets of the port's addresses (one of each IP version: dual-stack when the port has an IPv6 address); and the
    /// port's addresses. An engine network made before its Neutron network had an IPv6 subnet stays IPv4 only.</summary>
    private async Task<(string Network, EndpointAddresses Addresses)> EngineNetworkAsync(JsonObject port, CancellationToken ct)
    {
        var networkId = Text(port["network_id"])!;
        var byVersion = port["fixed_ips"]!.AsArray().Select(ip => ip!).GroupBy(ip => KuryrProtocol.IsIPv6(Text(ip["ip_address"])!))
            .ToDictionary(g => g.Key, g => g.First());
        var addresses = new EndpointAddresses(Text(byVersion.GetValueOrDefault(false)?["ip_address"]), Text(byVersion.GetValueOrDefault(true)?["ip_address"]));
        var guests = engine ?? throw new InvalidOperationException("No engine to make networks on.");
        if (await guests.InspectNetworkAsync(networkId, ct) is { } existing)
        {
            return (networkId, existing.IPv6 ? addresses : addresses with { IPv6 = null });
        }
        var pools = new List<IpamPool>();
        foreach (var ip in byVersion.OrderBy(v => v.Key).Select(v => v.Value))
        {
            var subnet = await SubnetAsync(Text(ip["subnet_id"])!, ct);
            pools.Add(new IpamPool(Text(subnet["cidr"])!, Text(subnet["gateway_ip"])));
        }
        var options = new Dictionary<string, string> { [KuryrProtocol.NetUuidOption] = networkId };
        await guests.EnsureDriverNetworkAsync(new DriverNetworkSpec(networkId, "kuryr", options, "kuryr", options, pools,
            Labels.For(NetworkKind, extra: new Dictionary<string, string> { [ComputeManager.HostLabel] = host })), ct);
        return (networkId, addresses);
    }

    /// <summary>The groups of the container's ports: those it names (the project's <c>default</c> when none), or, with
    /// <c>exposed_ports</c> (which excludes <c>security_groups</c>), the group made for it that lets exactly those ports in,
    /// whose id becomes the container's <c>security_groups</c> as in Zun.</summary>
    private async Task<List<string>> GroupsOfAsync(Container c, CancellationToken ct)
    {
        if (c.ExposedPorts is not { Count: > 0 } exposed || c.SecurityGroups is { Count: > 0 })
        {
            // ids are what the api stored after checking them (names: a container from before it did)
            return c.SecurityGroups is { Count: > 0 } ids && ids.All(IsId) ? ids : await SecurityGroupIdsAsync(c.SecurityGroups, c.ProjectId, ct);
        }
        var name = ExposedGroupName(c);
        var group = (await neutron.ListAsync("security-groups", NeutronClient.Query(("name", name), ("project_id", c.ProjectId)), ct)).FirstOrDefault();
        if (group is null)
        {
            group = await neutron.CreateAsync("security-groups", "security_group", new JsonObject
            {
                ["name"] = name, ["project_id"] = c.ProjectId, ["description"] = $"The exposed ports of container {c.Uuid} (made and deleted by the container service)",
            }, ct);
            foreach (var (port, protocol) in ExposedPortRules(exposed))
            {
                await neutron.CreateAsync("security-group-rules", "security_group_rule", new JsonObject
                {
                    ["security_group_id"] = Text(group["id"]), ["direction"] = "ingress", ["ethertype"] = "IPv4", ["protocol"] = protocol,
                    ["port_range_min"] = port, ["port_range_max"] = port, ["remote_ip_prefix"] = "0.0.0.0/0",
                }, ct);
            }
        }
        c.SecurityGroups = [Text(group["id"])!];
        return c.SecurityGroups;
    }

    /// <summary>The name of the group made for a container's exposed ports.</summary>
    public static string ExposedGroupName(Container c) => $"zun-{c.Uuid}-exposed";

    /// <summary><c>{"80/tcp": {}, "53/udp": {}, "8080": {}}</c> as (port, protocol) pairs; tcp when none is given.</summary>
    public static IEnumerable<(int Port, string Protocol)> ExposedPortRules(JsonObject exposed) =>
        exposed.Select(p => p.Key.Split('/')).Select(parts => (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), parts.Length > 1 ? parts[1] : "tcp"));

    /// <summary>The entries of the container's <c>addresses</c>, one per fixed IP of its ports.</summary>
    private static IEnumerable<JsonObject> AddressEntries(Container c) =>
        c.Addresses.Select(n => n.Value).OfType<JsonArray>().SelectMany(a => a).OfType<JsonObject>();

    /// <summary>Adds the port's fixed IPs to the container's <c>addresses</c> under its network, in Zun's format.</summary>
    private static void Merge(Container c, JsonObject port, bool preserve)
    {
        var network = Text(port["network_id"])!;
        if (c.Addresses[network] is not JsonArray entries) { c.Addresses[network] = entries = []; }
        foreach (var ip in port["fixed_ips"]!.AsArray())
        {
            entries.Add((JsonNode)new JsonObject
            {
                ["addr"] = Text(ip!["ip_address"]),
                ["version"] = Text(ip["ip_address"])!.Contains(':', StringComparison.Ordinal) ? 6 : 4,
                ["port"] = Text(port["id"]),
                ["subnet_id"] = Text(ip["subnet_id"]),
                ["preserve_on_delete"] = preserve,
            });
        }
    }

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

    private async Task<IReadOnlyList<JsonObject>> SubnetsOfAsync(JsonObject network, CancellationToken ct) =>
        await neutron.ListAsync("subnets", NeutronClient.Query(("network_id", Text(network["id"])!)), ct);

    /// <summary>The subnet of each fixed address asked for (400 when one is in none of the network's subnets), then the
    /// first subnet of each IP version the network has and no address was asked in, with no address: on a dual-stack
    /// network the port gets both versions whatever was asked, because its engine network hands the guest both, and an
    /// address that is not the port's own is dropped by the port's anti-spoofing rules.</summary>
    public static IEnumerable<(JsonObject Subnet, string? Address)> SubnetsFor(JsonObject network, RequestedNetwork wanted, IReadOnlyList<JsonObject> subnets)
    {
        var asked = wanted.FixedIps().Select(ip => (Subnet: subnets.FirstOrDefault(s => KuryrProtocol.InSubnet(ip, Text(s["cidr"])!))
            ?? throw new InvalidValue($"Fixed IP {ip} is not in any subnet of network {Text(network["id"])} ({string.Join(", ", subnets.Select(s => Text(s["cidr"])))})."),
            Address: (string?)ip)).ToList();
        var versionsAsked = asked.Select(a => KuryrProtocol.IsIPv6(a.Address!)).ToHashSet();
        var others = subnets.GroupBy(s => KuryrProtocol.IsIPv6(Text(s["cidr"])!)).Where(g => !versionsAsked.Contains(g.Key))
            .Select(g => (Subnet: g.First(), Address: (string?)null));
        return [.. asked, .. others];
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

    private static bool IsId(string text) => Guid.TryParse(text, out _);

    private static bool HasSubnet(JsonObject network) => network["subnets"] is JsonArray { Count: > 0 };

    private static bool Visible(JsonObject network, string projectId, bool admin) =>
        admin || Text(network["project_id"]) == projectId || network["shared"]?.GetValue<bool>() == true;

    private static string? Text(JsonNode? node) => KuryrProtocol.Text(node);
}
