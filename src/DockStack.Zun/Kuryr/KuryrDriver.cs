using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Memory;
using DockStack.OpenStack.Neutron;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Kuryr;

/// <summary>
/// kuryr-libnetwork's job, in process: a Docker network maps onto a Neutron network (<c>--opt neutron.net.uuid=</c>),
/// its IPAM pool onto one of the network's subnets (pool id = subnet id), every address onto a Neutron port, and every
/// endpoint onto that port bound to this host and plugged into Open vSwitch (<see cref="VethPlug"/>). An address Docker
/// asks for is the port already holding it when there is one (how Zun hands over the port it made for a container, with
/// the container's project and security groups), else a port made here. Which Neutron network each Docker network maps
/// onto is kept in files under <c>state</c>, so it survives a restart of this process.
/// </summary>
public sealed partial class KuryrDriver(NeutronClient neutron, VethPlug plug, string bindingHost, string state, ILogger<KuryrDriver> logger,
    TimeSpan? portActiveTimeout = null) : IDisposable
{
    /// <summary>
    /// What one container's plumbing asks Neutron for again and again (the engine's calls for one endpoint come within a
    /// second): subnets and networks' MTUs for a minute, the port found for an address until the endpoint takes it, and
    /// each endpoint's port while it lives (by the code: six calls per create to one, besides Join's wait for ACTIVE).
    /// </summary>
    private readonly MemoryCache _cache = new(new MemoryCacheOptions());
    private static readonly TimeSpan SubnetLife = TimeSpan.FromMinutes(1), AddressLife = TimeSpan.FromSeconds(30);
    private readonly PortPairing _pairing = new(TimeProvider.System, AddressLife);

    public void Dispose() => _cache.Dispose();

    private string NetworkFile(string dockerNetworkId) => Path.Combine(state, "networks", Path.GetFileName(dockerNetworkId));

    /// <summary>The port an endpoint is plugged to (its <c>device_id</c> may be the owner's, as Zun sets it to the container's uuid).</summary>
    private string EndpointFile(string endpointId) => Path.Combine(state, "endpoints", Path.GetFileName(endpointId));

    public async Task<JsonObject> CreateNetworkAsync(JsonNode request, CancellationToken ct)
    {
        var dockerId = Required(request, "NetworkID");
        var network = await ResolveNetworkAsync(request["Options"], ct)
            ?? throw new KuryrRequestException($"Docker network {dockerId}: give the Neutron network with --opt {KuryrProtocol.NetUuidOption}=ID (or {KuryrProtocol.NetNameOption}=NAME); this driver does not make Neutron networks.");
        Directory.CreateDirectory(Path.GetDirectoryName(NetworkFile(dockerId))!);
        await File.WriteAllTextAsync(NetworkFile(dockerId), KuryrProtocol.Text(network["id"]), ct);
        LogNetwork(dockerId, KuryrProtocol.Text(network["id"]) ?? "");
        return [];
    }

    public Task<JsonObject> DeleteNetworkAsync(JsonNode request, CancellationToken ct)
    {
        var file = NetworkFile(Required(request, "NetworkID"));
        if (File.Exists(file)) { File.Delete(file); }
        return Task.FromResult(new JsonObject());
    }

    /// <summary>The pool is a subnet of the Neutron network named in the IPAM options: the one with the CIDR Docker was
    /// given (<c>--subnet</c>), else the network's first subnet of the pool's IP version (IPv6 for a network made with
    /// <c>--ipv6</c>: a dual-stack network has one pool of each).</summary>
    public async Task<JsonObject> RequestPoolAsync(JsonNode request, CancellationToken ct)
    {
        var version = request["V6"]?.GetValue<bool>() == true ? "6" : "4";
        var network = await ResolveNetworkAsync(request["Options"], ct)
            ?? throw new KuryrRequestException($"Give the Neutron network with --ipam-opt {KuryrProtocol.NetUuidOption}=ID (or {KuryrProtocol.NetNameOption}=NAME).");
        var pool = KuryrProtocol.Text(request["Pool"]);
        var subnets = await neutron.ListAsync("subnets", NeutronClient.Query(("network_id", KuryrProtocol.Text(network["id"])!), ("ip_version", version)), ct);
        var subnet = subnets.FirstOrDefault(s => pool is null || KuryrProtocol.Text(s["cidr"]) == pool)
            ?? throw new KuryrRequestException(pool is null
                ? $"Neutron network {network["id"]} has no IPv{version} subnet."
                : $"Neutron network {network["id"]} has no subnet {pool} (it has: {string.Join(", ", subnets.Select(s => KuryrProtocol.Text(s["cidr"])))}).");
        return new JsonObject { ["PoolID"] = KuryrProtocol.Text(subnet["id"]), ["Pool"] = KuryrProtocol.Text(subnet["cidr"]), ["Data"] = new JsonObject() };
    }

    /// <summary>An address of the pool's subnet: the one asked for, on the port that holds it when there is one; else on a
    /// new port. On a dual-stack network an endpoint's IPv6 address is on its IPv4 port (<see cref="PortPairing"/>).</summary>
    public async Task<JsonObject> RequestAddressAsync(JsonNode request, CancellationToken ct)
    {
        var subnet = await SubnetAsync(Required(request, "PoolID"), ct);
        var cidr = KuryrProtocol.Text(subnet["cidr"])!;
        var networkId = KuryrProtocol.Text(subnet["network_id"])!;
        var v6 = KuryrProtocol.IsIPv6(cidr);
        var wanted = KuryrProtocol.Text(request["Address"]);
        if (KuryrProtocol.Text(request["Options"]?["RequestAddressType"]) == KuryrProtocol.GatewayRequest)
        {
            // A subnet without a gateway (Neutron's --gateway none): the engine still wants one; Join gives the container none.
            var gateway = KuryrProtocol.Text(subnet["gateway_ip"]) ?? wanted ?? KuryrProtocol.Broadcast(cidr);
            return Address(gateway, cidr);
        }
        if (wanted is not null)
        {
            if (!KuryrProtocol.InSubnet(wanted, cidr)) { throw new KuryrRequestException($"{wanted} is not in subnet {cidr}."); }
            if (await PortWithAddressAsync(networkId, wanted, ct) is { } holder)
            {
                _cache.Set(("address", networkId, wanted), holder, AddressLife); // the endpoint's port, next
                if (v6) { _pairing.Withdraw(networkId, KuryrProtocol.Text(holder["id"])!); }
                else { _pairing.Offer(networkId, KuryrProtocol.Text(holder["id"])!); }
                return Address(wanted, cidr);
            }
        }
        else if (v6 && _pairing.TakeOldest(networkId) is { } paired)
        {
            return Address(await AddressOnPortAsync(paired, subnet, ct), cidr);
        }
        var fixedIp = new JsonObject { ["subnet_id"] = KuryrProtocol.Text(subnet["id"]) };
        if (wanted is not null) { fixedIp["ip_address"] = wanted; }
        var port = await neutron.CreatePortAsync(new JsonObject
        {
            ["network_id"] = networkId,
            ["project_id"] = KuryrProtocol.Text(subnet["project_id"]),
            ["name"] = KuryrProtocol.OwnPortPrefix + Guid.NewGuid().ToString("N")[..12],
            ["fixed_ips"] = new JsonArray(fixedIp),
        }, ct);
        if (!v6) { _pairing.Offer(networkId, KuryrProtocol.Text(port["id"])!); }
        return Address(KuryrProtocol.Text(port["fixed_ips"]![0]!["ip_address"])!, cidr);
    }

    /// <summary>The port's address in <paramref name="subnet"/>, given to it when it has none; the port is then the one
    /// its endpoint finds by either address.</summary>
    private async Task<string> AddressOnPortAsync(string portId, JsonObject subnet, CancellationToken ct)
    {
        var subnetId = KuryrProtocol.Text(subnet["id"]);
        var port = await neutron.GetPortAsync(portId, ct) ?? throw new KuryrRequestException($"Neutron port {portId} is gone.");
        var fixedIps = port["fixed_ips"]!.AsArray();
        if (!fixedIps.Any(ip => KuryrProtocol.Text(ip!["subnet_id"]) == subnetId))
        {
            var wanted = new JsonArray([.. fixedIps.Select(ip => ip!.DeepClone()), new JsonObject { ["subnet_id"] = subnetId }]);
            port = await neutron.UpdatePortAsync(portId, new JsonObject { ["fixed_ips"] = wanted }, ct);
        }
        foreach (var ip in port["fixed_ips"]!.AsArray())
        {
            _cache.Set(("address", KuryrProtocol.Text(subnet["network_id"]), KuryrProtocol.Text(ip!["ip_address"])), port, AddressLife);
        }
        return port["fixed_ips"]!.AsArray().Select(ip => ip!).Where(ip => KuryrProtocol.Text(ip["subnet_id"]) == subnetId)
            .Select(ip => KuryrProtocol.Text(ip["ip_address"])!).First();
    }

    /// <summary>A port this driver made for the address is deleted; anyone else's port is left to its owner.</summary>
    public async Task<JsonObject> ReleaseAddressAsync(JsonNode request, CancellationToken ct)
    {
        var subnet = await SubnetAsync(Required(request, "PoolID"), ct);
        var address = KuryrProtocol.AddressOf(Required(request, "Address"));
        if (await PortWithAddressAsync(KuryrProtocol.Text(subnet["network_id"])!, address, ct) is { } port
            && KuryrProtocol.Text(port["name"])?.StartsWith(KuryrProtocol.OwnPortPrefix, StringComparison.Ordinal) == true)
        {
            await neutron.DeletePortAsync(KuryrProtocol.Text(port["id"])!, ct);
        }
        return [];
    }

    /// <summary>Binds the address's port to this host as a container's (device owner, device id = endpoint) and plugs it.</summary>
    public async Task<JsonObject> CreateEndpointAsync(JsonNode request, CancellationToken ct)
    {
        var networkId = await NeutronNetworkOfAsync(Required(request, "NetworkID"), ct);
        var endpointId = Required(request, "EndpointID");
        var addresses = new[] { request["Interface"]?["Address"], request["Interface"]?["AddressIPv6"] }
            .Select(KuryrProtocol.Text).OfType<string>().Select(KuryrProtocol.AddressOf).ToList();
        if (addresses.Count == 0) { throw new KuryrRequestException("The endpoint has no address; this driver's networks need their IPAM driver to be kuryr too."); }
        // The port holding the endpoint's addresses; when they are on two ports (a user's port with one IP version, on a
        // dual-stack network), the one not made here: the port the container was given.
        var holders = new List<JsonObject>();
        foreach (var each in addresses)
        {
            var holder = (_cache.TryGetValue(("address", networkId, each), out JsonObject? held) ? held : null) ?? await PortWithAddressAsync(networkId, each, ct);
            if (holder is not null) { holders.Add(holder); }
            _cache.Remove(("address", networkId, each));
        }
        var port = holders.FirstOrDefault(p => KuryrProtocol.Text(p["name"])?.StartsWith(KuryrProtocol.OwnPortPrefix, StringComparison.Ordinal) != true)
            ?? holders.FirstOrDefault()
            ?? throw new KuryrRequestException($"No Neutron port holds {string.Join(" or ", addresses)} on network {networkId}.");
        var portId = KuryrProtocol.Text(port["id"])!;
        Directory.CreateDirectory(Path.GetDirectoryName(EndpointFile(endpointId))!);
        await File.WriteAllTextAsync(EndpointFile(endpointId), portId, ct);
        var requestedMac = KuryrProtocol.Text(request["Interface"]?["MacAddress"]);
        var update = KuryrProtocol.BindingUpdate(port, bindingHost, endpointId, requestedMac);
        if (update.Count > 0) { port = await neutron.UpdatePortAsync(portId, update, ct); } // the container service binds its ports as it makes them
        var mac = KuryrProtocol.Text(port["mac_address"])!;
        var mtu = await _cache.GetOrCreateAsync(("mtu", networkId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = SubnetLife;
            return (await neutron.GetNetworkAsync(networkId, ct))?["mtu"]?.GetValue<int>() ?? 1450;
        });
        await plug.PlugAsync(portId, mac, mtu, endpointId, ct);
        _cache.Set(("endpoint", endpointId), port);
        LogPlugged(endpointId, portId, string.Join(", ", addresses));
        return new JsonObject { ["Interface"] = requestedMac is null ? new JsonObject { ["MacAddress"] = mac } : new JsonObject() };
    }

    /// <summary>Names the container's interface and gateway, once the port is wired: Neutron says ACTIVE when its Open
    /// vSwitch agent has set the port's flows and security groups up, and a container started before that loses its
    /// first packets (a <c>ping -c 4</c> as it starts lost two of four here). So the engine starts it after that, or after
    /// <c>[kuryr] port_active_timeout</c>.</summary>
    public async Task<JsonObject> JoinAsync(JsonNode request, CancellationToken ct)
    {
        var port = (await PortOfEndpointAsync(Required(request, "EndpointID"), required: true, ct))!;
        await WaitActiveAsync(KuryrProtocol.Text(port["id"])!, ct);
        string? v4Gateway = null, v6Gateway = null;
        foreach (var ip in port["fixed_ips"]!.AsArray())
        {
            var gateway = KuryrProtocol.Text((await SubnetAsync(KuryrProtocol.Text(ip!["subnet_id"])!, ct))["gateway_ip"]);
            if (KuryrProtocol.IsIPv6(KuryrProtocol.Text(ip["ip_address"])!)) { v6Gateway ??= gateway; } else { v4Gateway ??= gateway; }
        }
        var answer = new JsonObject
        {
            ["InterfaceName"] = new JsonObject { ["SrcName"] = KuryrProtocol.ContainerSide(KuryrProtocol.Text(port["id"])!), ["DstPrefix"] = "eth" },
            ["StaticRoutes"] = new JsonArray(),
            // Without a gateway the engine would add a second interface on its own gateway bridge (docker_gwbridge),
            // with a default route out of Neutron's control: a subnet without a gateway means no way out.
            ["DisableGatewayService"] = v4Gateway is null,
        };
        if (v4Gateway is not null) { answer["Gateway"] = v4Gateway; }
        if (v6Gateway is not null) { answer["GatewayIPv6"] = v6Gateway; }
        return answer;
    }

    private async Task WaitActiveAsync(string portId, CancellationToken ct)
    {
        var limit = portActiveTimeout ?? TimeSpan.FromSeconds(20);
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < limit)
        {
            if (KuryrProtocol.Text((await neutron.GetPortAsync(portId, ct))?["status"]) == "ACTIVE") { return; }
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
        if (limit > TimeSpan.Zero) { LogNotActive(portId, limit.TotalSeconds); }
    }

    /// <summary>Unplugs the endpoint's port and unbinds it, so its owner (or <see cref="ReleaseAddressAsync"/>) can delete or reuse it.</summary>
    public async Task<JsonObject> DeleteEndpointAsync(JsonNode request, CancellationToken ct)
    {
        var endpointId = Required(request, "EndpointID");
        if (await PortOfEndpointAsync(endpointId, required: false, ct) is { } port)
        {
            var portId = KuryrProtocol.Text(port["id"])!;
            await plug.UnplugAsync(portId, ct);
            await neutron.UpdatePortAsync(portId, new JsonObject { ["device_owner"] = "", ["device_id"] = "", ["binding:host_id"] = "" }, ct);
            LogUnplugged(endpointId, portId);
        }
        _cache.Remove(("endpoint", endpointId));
        File.Delete(EndpointFile(endpointId));
        return [];
    }

    /// <summary>The endpoint's port: the one recorded when it was plugged, else the one whose <c>device_id</c> is the endpoint.</summary>
    private async Task<JsonObject?> PortOfEndpointAsync(string endpointId, bool required, CancellationToken ct)
    {
        var port = _cache.TryGetValue(("endpoint", endpointId), out JsonObject? plugged) ? plugged
            : File.Exists(EndpointFile(endpointId))
            ? await neutron.GetPortAsync((await File.ReadAllTextAsync(EndpointFile(endpointId), ct)).Trim(), ct)
            : (await neutron.ListAsync("ports", NeutronClient.Query(("device_id", endpointId)), ct)).FirstOrDefault();
        return port is not null || !required ? port : throw new KuryrRequestException($"No Neutron port is bound to endpoint {endpointId}.");
    }

    private async Task<JsonObject?> PortWithAddressAsync(string networkId, string address, CancellationToken ct) =>
        (await neutron.ListAsync("ports", NeutronClient.Query(("network_id", networkId), ("fixed_ips", $"ip_address={address}")), ct)).FirstOrDefault();

    private async Task<JsonObject> SubnetAsync(string id, CancellationToken ct) =>
        (await _cache.GetOrCreateAsync(("subnet", id), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = SubnetLife;
            return (await neutron.ListAsync("subnets", NeutronClient.Query(("id", id)), ct)).FirstOrDefault();
        })) ?? throw new KuryrRequestException($"Neutron has no subnet {id}.");

    private async Task<string> NeutronNetworkOfAsync(string dockerNetworkId, CancellationToken ct) =>
        File.Exists(NetworkFile(dockerNetworkId))
            ? (await File.ReadAllTextAsync(NetworkFile(dockerNetworkId), ct)).Trim()
            : throw new KuryrRequestException($"Docker network {dockerNetworkId} was not made by this driver (or its record is gone).");

    private async Task<JsonObject?> ResolveNetworkAsync(JsonNode? options, CancellationToken ct)
    {
        var (id, name) = KuryrProtocol.NetworkOption(options);
        if (id is not null)
        {
            return await neutron.GetNetworkAsync(id, ct) ?? throw new KuryrRequestException($"Neutron has no network {id}.");
        }
        if (name is null) { return null; }
        var found = await neutron.ListAsync("networks", NeutronClient.Query(("name", name)), ct);
        return found.Count switch
        {
            1 => found[0],
            0 => throw new KuryrRequestException($"Neutron has no network named {name}."),
            _ => throw new KuryrRequestException($"{found.Count} Neutron networks are named {name}; give {KuryrProtocol.NetUuidOption} instead."),
        };
    }

    private static JsonObject Address(string address, string cidr) => new() { ["Address"] = KuryrProtocol.WithPrefix(address, cidr), ["Data"] = new JsonObject() };

    private static string Required(JsonNode request, string key) =>
        KuryrProtocol.Text(request[key]) ?? throw new KuryrRequestException($"The request has no {key}.");

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker network {DockerNetwork} maps onto Neutron network {NeutronNetwork}")]
    private partial void LogNetwork(string dockerNetwork, string neutronNetwork);

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint {Endpoint}: port {Port} ({Address}) bound and plugged")]
    private partial void LogPlugged(string endpoint, string port, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Port {Port} was not ACTIVE within {Seconds} s ([kuryr] port_active_timeout): the container starts anyway")]
    private partial void LogNotActive(string port, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Endpoint {Endpoint}: port {Port} unplugged and unbound")]
    private partial void LogUnplugged(string endpoint, string port);
}
