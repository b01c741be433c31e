using System.Text.Json.Nodes;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Containers on Neutron networks (kuryr-libnetwork's job, done by <c>zun kuryr</c> in the node): as the demo user with
/// Debian's client, containers get ports of the project's network, bound to the node and wired by Neutron's OVS agent,
/// reach Neutron's own ports and a Nova server on their network, and are filtered by their security groups.
/// </summary>
[Collection(FullCloudCollection.Name)]
public sealed class ContainerNetworkingTests(FullCloudFixture fixture)
{
    private static CancellationToken Timeout(int minutes) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    [Fact]
    public async Task Containers_GetBoundNeutronPorts_ReachNeutronsPortsAndAServer_AndTheirSecurityGroupsFilter()
    {
        var ct = Timeout(15);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (locked, a, b, vm) = ($"e2e-locked-{suffix}", $"e2e-net-a-{suffix}", $"e2e-net-b-{suffix}", $"e2e-net-vm-{suffix}");
        var demo = fixture.Demo;
        string? floating = null;
        try
        {
            // A group with Neutron's defaults for a new group: egress only, nothing comes in.
            var lockedId = (await demo.ShowAsync(ct, "security", "group", "create", locked))["id"]!.ToString();
            var privateId = (await demo.ShowAsync(ct, "network", "show", "private"))["id"]!.ToString();
            // a answers every TCP connection on 8080 with its name.
            await demo.RunAsync(ct, "appcontainer", "run", "--name", a, "--net", "network=private", "--security-group", locked, "cirros",
                "sh", "-c", "while true; do nc -l -p 8080 -e echo from-a; done");
            await demo.RunAsync(ct, "appcontainer", "run", "--name", b, "cirros", "sleep", "3600"); // no --net: the project's network
            var showA = await fixture.Demo.ContainerStatusAsync(a, "Running", ct);
            var showB = await fixture.Demo.ContainerStatusAsync(b, "Running", ct);

            Assert.Equal(privateId, showA["networks"]!.ToString());
            Assert.Equal(privateId, showB["networks"]!.ToString()); // Zun's default rule: the one network the project owns
            var (addressA, addressB) = (showA["addresses"]!.ToString(), showB["addresses"]!.ToString());
            Assert.Matches(@"^10\.0\.0\.\d+$", addressA);
            Assert.Matches(@"^10\.0\.0\.\d+$", addressB);

            // The port: made in the demo project with the group asked for, bound to the node, wired by the OVS agent.
            var portA = await ActivePortAsync($"zun-{showA["uuid"]}", ct);
            Assert.Equal("compute:kuryr", portA["device_owner"]!.ToString());
            Assert.Equal("dockstack", portA["binding_host_id"]!.ToString());
            Assert.Equal(lockedId, Assert.Single(portA["security_group_ids"]!.AsArray())!.ToString());
            var plugged = await fixture.Cloud.Node.ExecAsync(["ovs-vsctl", "--bare", "--columns=name", "find", "Interface", $"external_ids:iface-id={portA["id"]}"], ct);
            Assert.Equal("tap" + portA["id"]!.ToString()[..11], plugged.Stdout.Trim());

            // Through Open vSwitch to Neutron's DHCP port of the network (its namespace answers ping).
            var dhcp = (await fixture.Admin.ListAsync(ct, "port", "list", "--network", privateId, "--device-owner", "network:dhcp", "--long"))
                .Select(p => p!["Fixed IP Addresses"]!.ToString()).First();
            var dhcpAddress = System.Text.RegularExpressions.Regex.Match(dhcp, @"10\.0\.0\.\d+").Value;
            Assert.Equal(0, (await fixture.Demo.ExecAsync(b, ct, "ping", "-c", "1", "-W", "3", dhcpAddress)).ExitCode);

            // A Nova server on the same network, in the same (default) group as b: b reaches its SSH server and pings it.
            var server = await demo.ShowAsync(ct, "server", "create", "--image", "tiny-linux-x86_64", "--flavor", "m1.nano", "--network", "private", "--wait", vm);
            var serverAddress = System.Text.RegularExpressions.Regex.Match(server["addresses"]!.ToJsonString(), @"10\.0\.0\.\d+").Value;
            // The guest says on its console when its SSH server listens (software emulation on a busy machine can take
            // minutes); only then is a refused connection the network's fault. Each failure carries the console.
            var console = await demo.ConsoleUntilAsync(vm, "dockstack-guest: ready", TimeSpan.FromMinutes(6), ct);
            Assert.True(console.Contains("dockstack-guest: ssh server on port 22", StringComparison.Ordinal), $"{vm} did not start its SSH server; its console:\n{Tail(console)}");
            var banner = "";
            for (var deadline = DateTime.UtcNow.AddMinutes(2); !banner.Contains("SSH-2.0", StringComparison.Ordinal) && DateTime.UtcNow < deadline; await Task.Delay(3000, ct))
            {
                var reply = await fixture.Demo.ExecAsync(b, ct, "sh", "-c", $"nc -w 3 {serverAddress} 22 </dev/null | head -c 20");
                banner = reply.Stdout + reply.Stderr;
            }
            Assert.True(banner.Contains("SSH-2.0", StringComparison.Ordinal),
                $"{b} did not reach {vm}'s SSH server at {serverAddress}:22 ({banner.Trim()}); {vm}'s console:\n{Tail(console)}");
            Assert.Equal(0, (await fixture.Demo.ExecAsync(b, ct, "ping", "-c", "1", "-W", "3", serverAddress)).ExitCode);

            // The locked group lets nothing in: b cannot ping a, until the group allows ICMP.
            Assert.NotEqual(0, (await fixture.Demo.ExecAsync(b, ct, "ping", "-c", "2", "-W", "2", addressA)).ExitCode);
            await demo.RunAsync(ct, "security", "group", "rule", "create", "--ingress", "--protocol", "icmp", locked);
            var reached = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(60); !reached && DateTime.UtcNow < deadline;)
            {
                reached = (await fixture.Demo.ExecAsync(b, ct, "ping", "-c", "1", "-W", "2", addressA)).ExitCode == 0;
            }
            Assert.True(reached, $"{b} could not ping {addressA} within 60 s of the ICMP rule");

            // A floating IP on a's port: the node reaches a through the router, as it reaches a server (the node has no
            // ping: Python's socket connects).
            await demo.RunAsync(ct, "security", "group", "rule", "create", "--ingress", "--protocol", "tcp", "--dst-port", "8080", locked);
            floating = (await demo.ShowAsync(ct, "floating", "ip", "create", "--port", portA["id"]!.ToString(), "public"))["floating_ip_address"]!.ToString();
            var answer = "";
            for (var deadline = DateTime.UtcNow.AddSeconds(60); !answer.Contains("from-a", StringComparison.Ordinal) && DateTime.UtcNow < deadline; await Task.Delay(2000, ct))
            {
                answer = (await fixture.Cloud.Node.ExecAsync(["python3", "-c",
                    $"import socket; s = socket.create_connection(('{floating}', 8080), 3); print(s.recv(64).decode())"], ct)).Stdout;
            }
            Assert.True(answer.Contains("from-a", StringComparison.Ordinal), $"the node did not reach {a} at its floating IP {floating}:8080 within 60 s");

            // Deleting the container deletes the port made for it (a member may not force a delete; it may stop first).
            await demo.RunAsync(ct, "appcontainer", "delete", "--stop", a);
            var gone = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(60); !gone && DateTime.UtcNow < deadline; await Task.Delay(2000, ct))
            {
                gone = (await fixture.Admin.ListAsync(ct, "port", "list", "--name", $"zun-{showA["uuid"]}")).Count == 0;
            }
            Assert.True(gone, "the container's port outlived it");
        }
        finally
        {
            await fixture.Admin.CleanUpAsync(["appcontainer", "delete", "--force", "--all-projects", a], ["appcontainer", "delete", "--force", "--all-projects", b],
                ["server", "delete", "--wait", "--all-projects", vm]);
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None); // the ports go with the containers, before their group
            await fixture.Admin.CleanUpAsync([["security", "group", "delete", locked], .. floating is null ? Array.Empty<string[]>() : [["floating", "ip", "delete", floating]]]);
        }
    }

    [Theory]
    [InlineData("network=e2e-no-such-network", "Neutron network e2e-no-such-network could not be found")]
    [InlineData("network=private,v4-fixed-ip=192.0.2.10", "is not in any subnet of network")]
    [InlineData("port=00000000-0000-4000-8000-000000000000", "could not be found")]
    public async Task BadNets_AreRefused_WithTheReason_AndNothingIsCreated(string net, string reason)
    {
        var ct = Timeout(3);
        var name = $"e2e-badnet-{Guid.NewGuid():N}"[..18];
        var result = await OpenStackClient.CloudAsync(fixture.Cloud.CloudsYaml, "devstack", ["appcontainer", "create", "--name", name, "--net", net, "cirros"], TimeSpan.FromMinutes(2), ct);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(await fixture.Demo.ListAsync(ct, "appcontainer", "list"), c => c?["name"]?.ToString() == name);
    }


    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(25));

    /// <summary>The port by name once Neutron says it is ACTIVE (the OVS agent wired it).</summary>
    private async Task<JsonObject> ActivePortAsync(string name, CancellationToken ct)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(2000, ct))
        {
            var port = await fixture.Admin.ShowAsync(ct, "port", "show", name);
            if (port["status"]?.ToString() == "ACTIVE" || DateTime.UtcNow > deadline)
            {
                Assert.True(port["status"]?.ToString() == "ACTIVE", $"port {name} is {port["status"]}");
                return port;
            }
        }
    }


}
