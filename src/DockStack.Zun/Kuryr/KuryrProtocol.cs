using System.Net;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Kuryr;

/// <summary>
/// The pure parts of the libnetwork remote driver and IPAM protocols as kuryr-libnetwork speaks them: option names,
/// interface names, the shapes Docker expects back. Kept apart from the calls to Neutron so they are tested alone.
/// </summary>
public static class KuryrProtocol
{
    /// <summary>The device owner of every port plugged by this driver (kuryr-libnetwork's and Zun's).</summary>
    public const string DeviceOwner = "compute:kuryr";

    /// <summary>Ports this driver makes itself (an address Docker asked for without a port behind it) carry this name
    /// prefix and are deleted when Docker releases the address; a port made by someone else is only unbound.</summary>
    public const string OwnPortPrefix = "kuryr-";

    public const string NetUuidOption = "neutron.net.uuid";
    public const string NetNameOption = "neutron.net.name";
    public const string GatewayRequest = "com.docker.network.gateway";

    /// <summary>The content type of every answer (libnetwork's plugin protocol).</summary>
    public const string ContentType = "application/vnd.docker.plugins.v1.2+json";

    /// <summary>The host end of a port's veth pair, in Open vSwitch's integration bridge: as Nova names a VIF's tap.</summary>
    public static string HostSide(string portId) => "tap" + portId[..11];

    /// <summary>The container end, moved by Docker into the container and renamed eth0 (kuryr-libnetwork's prefix).</summary>
    public static string ContainerSide(string portId) => "t_c" + portId[..11];

    /// <summary>The Neutron network a Docker network maps onto: <c>neutron.net.uuid</c> (or <c>neutron.net.name</c>) from the
    /// generic options of a create (<c>--opt</c>), or from IPAM options (<c>--ipam-opt</c>).</summary>
    public static (string? Id, string? Name) NetworkOption(JsonNode? options)
    {
        var generic = options?["com.docker.network.generic"] ?? options;
        return (Text(generic?[NetUuidOption]), Text(generic?[NetNameOption]));
    }

    /// <summary>The address part of <c>10.0.0.5/24</c>.</summary>
    public static string AddressOf(string cidrAddress) => cidrAddress.Split('/')[0];

    /// <summary>An address with the prefix length of its subnet, as IPAM answers it.</summary>
    public static string WithPrefix(string address, string subnetCidr) => $"{address}/{subnetCidr.Split('/')[1]}";

    /// <summary>True for an IPv6 address or CIDR.</summary>
    public static bool IsIPv6(string addressOrCidr) => addressOrCidr.Contains(':', StringComparison.Ordinal);

    /// <summary>True when <paramref name="address"/> lies in <paramref name="cidr"/> (IPv4 or IPv6).</summary>
    public static bool InSubnet(string address, string cidr) =>
        IPAddress.TryParse(address, out var ip) && IPNetwork.TryParse(cidr, out var network) && network.Contains(ip);

    /// <summary>The IPv4 subnet's broadcast address (<c>10.91.0.255</c> for <c>10.91.0.0/24</c>): what the engine is given
    /// as the gateway of a subnet without one. Neutron never hands it out, and the container gets no default route.</summary>
    public static string Broadcast(string cidr)
    {
        var network = IPNetwork.Parse(cidr);
        var bytes = network.BaseAddress.GetAddressBytes();
        for (var bit = network.PrefixLength; bit < bytes.Length * 8; bit++) { bytes[bit / 8] |= (byte)(0x80 >> (bit % 8)); }
        return new IPAddress(bytes).ToString();
    }

    public static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    /// <summary>Docker's error answer: <c>{"Err": "..."}</c>.</summary>
    public static JsonObject Error(string message) => new() { ["Err"] = message };

    /// <summary>What to change on a port to plug it for an endpoint: its owner, this node's binding, up, and the MAC the
    /// engine asked for; a <c>device_id</c> only when it has none (the owner's, Zun's container uuid, stays). Empty when the
    /// port is bound already (the container service makes its ports so): no second binding in Neutron.</summary>
    public static JsonObject BindingUpdate(JsonObject port, string bindingHost, string endpointId, string? requestedMac)
    {
        var update = new JsonObject();
        if (Text(port["device_owner"]) != DeviceOwner) { update["device_owner"] = DeviceOwner; }
        if (Text(port["binding:host_id"]) != bindingHost) { update["binding:host_id"] = bindingHost; }
        if (port["admin_state_up"]?.GetValue<bool>() != true) { update["admin_state_up"] = true; }
        if (Text(port["device_id"]) is null) { update["device_id"] = endpointId; }
        if (requestedMac is not null && !string.Equals(Text(port["mac_address"]), requestedMac, StringComparison.OrdinalIgnoreCase)) { update["mac_address"] = requestedMac; }
        return update;
    }
}

/// <summary>A request Docker made that this driver refuses; the message reaches the docker client's user.</summary>
public sealed class KuryrRequestException(string message) : Exception(message);
