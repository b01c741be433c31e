using System.Text.Json.Nodes;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using DockStack.Zun.Compute;
using DockStack.Zun.Kuryr;

namespace DockStack.Zun.Tests.Unit;

/// <summary>The pure parts of containers on Neutron networks: kuryr's names and options, and the <c>nets</c> of a create.</summary>
[Trait("Category", "Unit")]
public sealed class KuryrTests
{
    private const string Port = "3f2b9c1e-77aa-4c1b-9d2e-0123456789ab";

    private static ZunConfig Config(string driver) => ZunConfig.From(IniFile.Parse(
        $"[DEFAULT]\nauth_strategy = keystone\n[keystone_authtoken]\nauth_url = http://127.0.0.1:5000/v3\nusername = zun\npassword = p\n[network]\ndriver = {driver}\n"));

    private static List<RequestedNetwork>? Nets(string json, string driver = "kuryr") =>
        ContainerCreateParser.Nets(JsonNode.Parse(json), Config(driver));

    [Fact]
    public void VethNames_FitAnInterfaceName_AndTellThePortApart()
    {
        Assert.Equal("tap3f2b9c1e-77", KuryrProtocol.HostSide(Port));
        Assert.Equal("t_c3f2b9c1e-77", KuryrProtocol.ContainerSide(Port));
        Assert.True(KuryrProtocol.HostSide(Port).Length <= 15 && KuryrProtocol.ContainerSide(Port).Length <= 15);
    }

    [Theory]
    [InlineData("""{"com.docker.network.generic": {"neutron.net.uuid": "n1"}}""", "n1", null)]
    [InlineData("""{"com.docker.network.generic": {"neutron.net.name": "private"}}""", null, "private")]
    [InlineData("""{"neutron.net.uuid": "n2"}""", "n2", null)] // IPAM options come flat
    [InlineData("""{"com.docker.network.generic": {}}""", null, null)]
    public void NetworkOption_ReadFromGenericOrIpamOptions(string options, string? id, string? name) =>
        Assert.Equal((id, name), KuryrProtocol.NetworkOption(JsonNode.Parse(options)));

    [Theory]
    [InlineData("10.0.0.5", "10.0.0.0/26", true)]
    [InlineData("10.0.0.64", "10.0.0.0/26", false)]
    [InlineData("not-an-ip", "10.0.0.0/26", false)]
    public void InSubnet(string address, string cidr, bool inside) => Assert.Equal(inside, KuryrProtocol.InSubnet(address, cidr));

    [Fact]
    public void Addresses_CarryTheSubnetsPrefix() =>
        Assert.Equal(("10.0.0.5/26", "10.0.0.5"), (KuryrProtocol.WithPrefix("10.0.0.5", "10.0.0.0/26"), KuryrProtocol.AddressOf("10.0.0.5/26")));

    [Fact]
    public void Nets_WithKuryr_OneEntry_NetworkOrPort_AndAFixedAddress()
    {
        Assert.Equal([new RequestedNetwork("private", null, "10.0.0.9")], Nets("""[{"network": "private", "v4-fixed-ip": "10.0.0.9"}]"""));
        Assert.Equal([new RequestedNetwork("private", null, null, "fd00::9")], Nets("""[{"network": "private", "v6-fixed-ip": "fd00::9"}]"""));
        Assert.Equal([new RequestedNetwork("dual", null, "10.0.0.9", "fd00::9")], Nets("""[{"network": "dual", "v4-fixed-ip": "10.0.0.9", "v6-fixed-ip": "fd00::9"}]"""));
        Assert.Equal([new RequestedNetwork(null, Port, null)], Nets($$"""[{"port": "{{Port}}", "preserve_on_delete": true}]"""));
        Assert.Null(Nets("[]"));
        Assert.Null(Nets("null"));
    }

    [Fact]
    public void Nets_WithKuryr_SeveralEntries_InOrder() =>
        Assert.Equal([new RequestedNetwork("private", null, null), new RequestedNetwork(null, Port, null)],
            Nets($$"""[{"network": "private"}, {"port": "{{Port}}"}]"""));

    [Fact]
    public void BindingUpdate_IsEmpty_ForAPortTheServiceMadeBound_AndKeepsTheOwnersDeviceId()
    {
        var bound = JsonNode.Parse("""{"device_owner": "compute:kuryr", "binding:host_id": "node", "admin_state_up": true, "device_id": "uuid-1", "mac_address": "fa:16:3e:00:00:01"}""")!.AsObject();
        Assert.Empty(KuryrProtocol.BindingUpdate(bound, "node", "ep-1", requestedMac: null));
        Assert.Empty(KuryrProtocol.BindingUpdate(bound, "node", "ep-1", "FA:16:3E:00:00:01"));
        var fresh = JsonNode.Parse("""{"device_owner": "", "binding:host_id": "", "admin_state_up": false, "device_id": "", "mac_address": "fa:16:3e:00:00:01"}""")!.AsObject();
        Assert.Equal("""{"device_owner":"compute:kuryr","binding:host_id":"node","admin_state_up":true,"device_id":"ep-1","mac_address":"02:42:0a:00:00:05"}""",
            KuryrProtocol.BindingUpdate(fresh, "node", "ep-1", "02:42:0a:00:00:05").ToJsonString());
        // bound elsewhere: moved to this node; the owner's device id stays
        Assert.Equal("""{"binding:host_id":"node"}""", KuryrProtocol.BindingUpdate(JsonNode.Parse(bound.ToJsonString().Replace("\"node\"", "\"other\"", StringComparison.Ordinal))!.AsObject(), "node", "ep-1", null).ToJsonString());
    }

    [Theory]
    [InlineData("10.91.0.0/24", "10.91.0.255")]
    [InlineData("10.0.0.0/26", "10.0.0.63")]
    [InlineData("192.168.4.0/22", "192.168.7.255")]
    public void Broadcast_IsTheSubnetsLastAddress(string cidr, string broadcast) => Assert.Equal(broadcast, KuryrProtocol.Broadcast(cidr));

    [Fact]
    public void ExposedPortRules_AreTcpUnlessTheProtocolIsGiven() =>
        Assert.Equal([(80, "tcp"), (53, "udp"), (8080, "tcp")],
            NeutronPorts.ExposedPortRules(JsonNode.Parse("""{"80/tcp": {}, "53/udp": {}, "8080": {}}""")!.AsObject()).ToList());

    [Theory]
    [InlineData("""[{"network": "private"}]""", "docker", "[network] driver is docker")]
    [InlineData("""[{"network": "a"}, "b"]""", "kuryr", "nets/1")]
    [InlineData("""[{}]""", "kuryr", "A network or a port is needed")]
    [InlineData("""[{"network": "a", "port": "p"}]""", "kuryr", "not both")]
    [InlineData("""[{"network": "a", "v4-fixed-ip": "10.0.0.300"}]""", "kuryr", "not a valid IPv4 address")]
    [InlineData("""[{"network": "a", "v6-fixed-ip": "10.0.0.5"}]""", "kuryr", "not a valid IPv6 address")]
    [InlineData("""[{"network": "a", "v4-fixed-ip": "fd00::5"}]""", "kuryr", "not a valid IPv4 address")]
    [InlineData("""[{"port": "p", "v6-fixed-ip": "fd00::5"}]""", "kuryr", "cannot be given with a port")]
    [InlineData("""[{"port": "p", "v4-fixed-ip": "10.0.0.5"}]""", "kuryr", "cannot be given with a port")]
    [InlineData("""[{"network": "a"}, {"port": "p", "v4-fixed-ip": "10.0.0.5"}]""", "kuryr", "cannot be given with a port")]
    [InlineData("""[{"network": "a", "subnet": "s"}]""", "kuryr", "'subnet' was unexpected")]
    [InlineData("""["private"]""", "kuryr", "is not of type 'object'")]
    public void Nets_BadEntries_Are400(string json, string driver, string reason)
    {
        var e = Assert.ThrowsAny<ZunException>(() => Nets(json, driver));
        Assert.Equal(400, e.Status);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PortPairing_GivesEachIPv6CallTheOldestIPv4PortOfItsNetwork_Once()
    {
        var pairing = new PortPairing(new MovableClock(), TimeSpan.FromSeconds(30));
        pairing.Offer("net-a", "port-1");
        pairing.Offer("net-b", "port-9");
        pairing.Offer("net-a", "port-2");
        Assert.Equal("port-1", pairing.TakeOldest("net-a"));
        Assert.Equal("port-2", pairing.TakeOldest("net-a"));
        Assert.Null(pairing.TakeOldest("net-a"));
        Assert.Equal("port-9", pairing.TakeOldest("net-b"));
    }

    [Fact]
    public void PortPairing_APortPairedByItsAddress_OrWaitingTooLong_IsNotGiven()
    {
        var clock = new MovableClock();
        var pairing = new PortPairing(clock, TimeSpan.FromSeconds(30));
        pairing.Offer("net-a", "port-1");
        pairing.Offer("net-a", "port-2");
        pairing.Withdraw("net-a", "port-1");
        clock.Now += TimeSpan.FromSeconds(20);
        pairing.Offer("net-a", "port-3");
        clock.Now += TimeSpan.FromSeconds(11);
        Assert.Equal("port-3", pairing.TakeOldest("net-a"));
        Assert.Null(pairing.TakeOldest("net-a"));
    }

    [Theory]
    [InlineData("10.0.0.5", null, "s4=10.0.0.5 s6=")]
    [InlineData(null, "fd00::5", "s6=fd00::5 s4=")]
    [InlineData("10.0.0.5", "fd00::5", "s4=10.0.0.5 s6=fd00::5")]
    public void SubnetsFor_OnADualStackNetwork_ThePortGetsBothVersions(string? v4, string? v6, string expected)
    {
        var subnets = Subnets(("s4", "10.0.0.0/24"), ("s4b", "10.1.0.0/24"), ("s6", "fd00::/64"));
        var chosen = NeutronPorts.SubnetsFor(new JsonObject { ["id"] = "n1" }, new RequestedNetwork("n1", null, v4, v6), subnets);
        Assert.Equal(expected, string.Join(" ", chosen.Select(c => $"{c.Subnet["id"]}={c.Address}")));
    }

    [Fact]
    public void SubnetsFor_AnAddressInNoSubnet_Is400_AndAnIPv4NetworkGetsNoIPv6()
    {
        var subnets = Subnets(("s4", "10.0.0.0/24"));
        Assert.Equal("s4=10.0.0.5", string.Join(" ", NeutronPorts.SubnetsFor(new JsonObject { ["id"] = "n1" }, new RequestedNetwork("n1", null, "10.0.0.5"), subnets)
            .Select(c => $"{c.Subnet["id"]}={c.Address}")));
        var e = Assert.ThrowsAny<ZunException>(() => NeutronPorts.SubnetsFor(new JsonObject { ["id"] = "n1" }, new RequestedNetwork("n1", null, null, "fd00::5"), subnets).ToList());
        Assert.Equal(400, e.Status);
        Assert.Contains("Fixed IP fd00::5 is not in any subnet of network n1 (10.0.0.0/24)", e.Message, StringComparison.Ordinal);
    }

    private static List<JsonObject> Subnets(params (string Id, string Cidr)[] subnets) =>
        [.. subnets.Select(s => new JsonObject { ["id"] = s.Id, ["cidr"] = s.Cidr })];

    [Fact]
    public void Config_KuryrWithoutKeystone_IsRefused()
    {
        var e = Assert.Throws<ConfigException>(() => ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n[network]\ndriver = kuryr\n")));
        Assert.Contains("[network] driver = kuryr needs Keystone", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkList_FromAddresses_PerPortFrom118_FlatBefore()
    {
        var addresses = JsonNode.Parse("""{"net1": [{"addr": "10.0.0.5", "version": 4, "port": "p1", "subnet_id": "s1", "preserve_on_delete": false}]}""")!.AsObject();
        var perPort = ContainerExtrasApi.NetworkList(addresses, perPort: true);
        Assert.Equal("""[{"net_id":"net1","port_id":"p1","fixed_ips":[{"subnet_id":"s1","version":4,"ip_address":"10.0.0.5"}]}]""", perPort.ToJsonString());
        var flat = ContainerExtrasApi.NetworkList(addresses, perPort: false);
        Assert.Equal("""[{"net_id":"net1","subnet_id":"s1","port_id":"p1","version":4,"ip_address":"10.0.0.5"}]""", flat.ToJsonString());
        Assert.Empty(ContainerExtrasApi.NetworkList([], perPort: true));
    }
}
