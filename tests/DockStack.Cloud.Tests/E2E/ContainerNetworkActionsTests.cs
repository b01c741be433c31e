using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// What Zun's API tests do with a container's networks, through Debian's client as the demo user: a container on two
/// Neutron networks, one detached and attached again at a fixed address; and exposed ports, which get a security group of
/// their own that lets only those ports in and goes with the container.
/// </summary>
[Collection(FullCloudCollection.Name)]
public sealed class ContainerNetworkActionsTests(FullCloudFixture fixture)
{
    private static CancellationToken Timeout(int minutes) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    [Fact]
    public async Task TwoNetworks_OneDetachedAndAttachedAgain_EachPortFollows()
    {
        var ct = Timeout(12);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (net, name) = ($"e2e-net2-{suffix}", $"e2e-multi-{suffix}");
        var range = $"10.{Random.Shared.Next(100, 200)}.7";
        var demo = fixture.Demo;
        try
        {
            var netId = Field(await demo.ShowAsync(ct, "network", "create", net), "id");
            await demo.RunAsync(ct, "subnet", "create", "--network", net, "--subnet-range", $"{range}.0/24", net);
            var privateId = Field(await demo.ShowAsync(ct, "network", "show", "private"), "id");
            await demo.RunAsync(ct, "appcontainer", "run", "--name", name, "--net", "network=private", "--net", $"network={net}", "cirros", "sleep", "3600");
            var uuid = Field(await fixture.Demo.ContainerStatusAsync(name, "Running", ct), "uuid");

            var networks = await NetworksAsync(name, ct);
            Assert.Equal(new[] { privateId, netId }.Order(), networks.Keys.Order());
            var inside = (await fixture.Demo.ExecAsync(name, ct, "ip", "-4", "-o", "addr")).Stdout;
            Assert.Contains(networks[privateId], inside, StringComparison.Ordinal);
            Assert.Contains(networks[netId], inside, StringComparison.Ordinal);
            // Each port carries the container's uuid as its device, as Zun's ports do, and is bound to the node.
            var ports = await fixture.Admin.ListAsync(ct, "port", "list", "--device-id", uuid, "--long");
            Assert.Equal(2, ports.Count);

            Assert.Contains("accepted", await demo.RunAsync(ct, "appcontainer", "network", "detach", name, "--network", net), StringComparison.Ordinal);
            await UntilAsync(async () => !(await NetworksAsync(name, ct)).ContainsKey(netId), "the detached network left the container's addresses", ct);
            Assert.DoesNotContain(networks[netId], (await fixture.Demo.ExecAsync(name, ct, "ip", "-4", "-o", "addr")).Stdout, StringComparison.Ordinal);
            Assert.Empty(await fixture.Admin.ListAsync(ct, "port", "list", "--device-id", uuid, "--network", netId));
            // The client prints a refusal and exits 0: the reason is what the service said.
            Assert.Contains("is not attached to network", await demo.RunAsync(ct, "appcontainer", "network", "detach", name, "--network", net), StringComparison.Ordinal);

            var fixedIp = $"{range}.50";
            Assert.Contains("accepted", await demo.RunAsync(ct, "appcontainer", "network", "attach", name, "--network", net, "--fixed-ip", fixedIp), StringComparison.Ordinal);
            await UntilAsync(async () => (await NetworksAsync(name, ct)).GetValueOrDefault(netId) == fixedIp, $"{fixedIp} on the container's addresses", ct);
            // The address is on record as the port is made; the attach is over when the task is (the guest joined).
            await UntilAsync(async () => Field(await demo.ShowAsync(ct, "appcontainer", "show", name), "task_state") is "" or "None", "the attach's task over", ct);
            Assert.Contains("already attached", await demo.RunAsync(ct, "appcontainer", "network", "attach", name, "--network", net), StringComparison.Ordinal);
            // Through the attached port to Neutron's DHCP port of that network.
            var dhcp = Regex.Match((await fixture.Admin.ListAsync(ct, "port", "list", "--network", netId, "--device-owner", "network:dhcp", "--long"))
                .Select(p => p!["Fixed IP Addresses"]!.ToString()).First(), Regex.Escape(range) + @"\.\d+").Value;
            var reached = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(60); !reached && DateTime.UtcNow < deadline;)
            {
                reached = (await fixture.Demo.ExecAsync(name, ct, "ping", "-c", "1", "-W", "2", dhcp)).ExitCode == 0;
            }
            Assert.True(reached, $"{name} did not reach {dhcp} through its attached port within 60 s");
        }
        finally
        {
            await fixture.Admin.CleanUpAsync(["appcontainer", "delete", "--force", "--all-projects", name]);
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None); // the ports go with the container, before their network
            await fixture.Admin.CleanUpAsync(["network", "delete", net]);
        }
    }

    [Fact]
    public async Task ExposedPort_HasAGroupOfItsOwn_ThatLetsThatPortIn_AndGoesWithTheContainer()
    {
        var ct = Timeout(10);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (server, client) = ($"e2e-expose-{suffix}", $"e2e-curl-{suffix}");
        var demo = fixture.Demo;
        try
        {
            await demo.RunAsync(ct, "appcontainer", "run", "--name", server, "--expose-port", "80", "nginx");
            var uuid = Field(await fixture.Demo.ContainerStatusAsync(server, "Running", ct), "uuid");
            var portId = Field(Assert.Single(await fixture.Admin.ListAsync(ct, "port", "list", "--device-id", uuid))!.AsObject(), "ID");
            var port = await fixture.Admin.ShowAsync(ct, "port", "show", portId);
            var groupId = Assert.Single(port["security_group_ids"]!.AsArray())!.ToString();
            var group = await demo.ShowAsync(ct, "security", "group", "show", groupId);
            Assert.NotEqual("default", Field(group, "name"));
            var ingress = group["rules"]!.AsArray().Select(r => r!.AsObject()).Where(r => r["direction"]?.ToString() == "ingress").ToList();
            var rule = Assert.Single(ingress);
            Assert.Equal(("tcp", "80", "80"), (rule["protocol"]?.ToString(), rule["port_range_min"]?.ToString(), rule["port_range_max"]?.ToString()));

            var address = Regex.Match(port["fixed_ips"]!.ToJsonString(), @"10\.0\.0\.\d+").Value;
            await demo.RunAsync(ct, "appcontainer", "run", "--name", client, "cirros", "curl", $"http://{address}/");
            await UntilAsync(async () => Field(await demo.ShowAsync(ct, "appcontainer", "show", client), "status") == "Stopped", $"{client} ran to its end", ct);
            Assert.Contains("Welcome to nginx!", await demo.RunAsync(ct, "appcontainer", "logs", client), StringComparison.Ordinal);

            await demo.RunAsync(ct, "appcontainer", "delete", "--stop", server);
            await UntilAsync(async () => (await demo.ListAsync(ct, "security", "group", "list")).All(g => g?["ID"]?.ToString() != groupId),
                "the exposed ports' group went with the container", ct);
        }
        finally
        {
            await fixture.Admin.CleanUpAsync(["appcontainer", "delete", "--force", "--all-projects", server], ["appcontainer", "delete", "--force", "--all-projects", client]);
        }
    }

    [Fact]
    public async Task APortGiven_IsBoundForTheContainer_AndKeptUnboundAfterIt()
    {
        var ct = Timeout(8);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (portName, name) = ($"e2e-given-{suffix}", $"e2e-port-{suffix}");
        var demo = fixture.Demo;
        try
        {
            var portId = Field(await demo.ShowAsync(ct, "port", "create", "--network", "private", portName), "id");
            await demo.RunAsync(ct, "appcontainer", "run", "--name", name, "--net", $"port={portId}", "cirros", "sleep", "3600");
            var uuid = Field(await fixture.Demo.ContainerStatusAsync(name, "Running", ct), "uuid");
            var bound = await fixture.Admin.ShowAsync(ct, "port", "show", portId);
            Assert.Equal((uuid, "compute:kuryr", "dockstack"), (Field(bound, "device_id"), Field(bound, "device_owner"), Field(bound, "binding_host_id")));
            Assert.Equal(portId, Field(Assert.Single(await demo.ListAsync(ct, "appcontainer", "network", "list", name))!.AsObject(), "port_id"));
            // The port is taken: a second container cannot have it (409), and nothing is made.
            var second = await OpenStackClient.CloudAsync(fixture.Cloud.CloudsYaml, "devstack", ["appcontainer", "create", "--name", $"{name}-2", "--net", $"port={portId}", "cirros"],
                TimeSpan.FromMinutes(2), ct);
            Assert.NotEqual(0, second.ExitCode);
            Assert.Contains($"Port {portId} is still in use", second.Stderr, StringComparison.Ordinal);

            await demo.RunAsync(ct, "appcontainer", "delete", "--stop", name);
            await UntilAsync(async () => (await demo.ListAsync(ct, "appcontainer", "list")).All(c => c?["name"]?.ToString() != name), $"{name} deleted", ct);
            var kept = await fixture.Admin.ShowAsync(ct, "port", "show", portId);
            Assert.Equal(("", "", ""), (Field(kept, "device_id"), Field(kept, "device_owner"), Field(kept, "binding_host_id")));
        }
        finally
        {
            await fixture.Admin.CleanUpAsync(["appcontainer", "delete", "--force", "--all-projects", name]);
            await Task.Delay(TimeSpan.FromSeconds(3), CancellationToken.None);
            await fixture.Admin.CleanUpAsync(["port", "delete", portName]);
        }
    }

    [Fact]
    public async Task ASubnetWithoutAGateway_GivesTheContainerAnAddressAndNoDefaultRoute()
    {
        var ct = Timeout(8);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (net, name) = ($"e2e-nogw-{suffix}", $"e2e-nogw-{suffix}");
        var range = $"10.{Random.Shared.Next(100, 200)}.9";
        var demo = fixture.Demo;
        try
        {
            var netId = Field(await demo.ShowAsync(ct, "network", "create", net), "id");
            await demo.RunAsync(ct, "subnet", "create", "--network", net, "--subnet-range", $"{range}.0/24", "--gateway", "none", net);
            await demo.RunAsync(ct, "appcontainer", "run", "--name", name, "--net", $"network={netId}", "cirros", "sleep", "3600");
            await fixture.Demo.ContainerStatusAsync(name, "Running", ct);
            Assert.StartsWith($"{range}.", (await NetworksAsync(name, ct))[netId], StringComparison.Ordinal);
            Assert.DoesNotContain("default", (await fixture.Demo.ExecAsync(name, ct, "ip", "route")).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Admin.CleanUpAsync(["appcontainer", "delete", "--force", "--all-projects", name]);
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
            await fixture.Admin.CleanUpAsync(["network", "delete", net]);
        }
    }

    [Fact]
    public async Task ADualStackNetwork_GivesEachContainerBothAddressesOnOnePort_AndIPv6Carries()
    {
        var ct = Timeout(8);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (net, any, fixedOne, plain) = ($"e2e-dual-{suffix}", $"e2e-dual-a-{suffix}", $"e2e-dual-b-{suffix}", $"e2e-dual-engine-{suffix}");
        var (range, prefix) = ($"10.{Random.Shared.Next(100, 200)}.11", $"fd00:e2e:{Random.Shared.Next(0x100, 0xfff):x}:");
        var demo = fixture.Demo;
        try
        {
            var netId = Field(await demo.ShowAsync(ct, "network", "create", net), "id");
            await demo.RunAsync(ct, "subnet", "create", "--network", net, "--subnet-range", $"{range}.0/24", $"{net}-v4");
            await demo.RunAsync(ct, "subnet", "create", "--network", net, "--ip-version", "6", "--subnet-range", $"{prefix}:/64", $"{net}-v6");
            await demo.RunAsync(ct, "appcontainer", "run", "--name", any, "--net", $"network={net}", "cirros", "sleep", "3600");
            // Only an IPv6 address asked for: the port gets an IPv4 one as well, as the engine network hands out both.
            var wanted = $"{prefix}:60";
            await demo.RunAsync(ct, "appcontainer", "run", "--name", fixedOne, "--net", $"network={netId},v6-fixed-ip={wanted}", "cirros", "sleep", "3600");
            foreach (var name in new[] { any, fixedOne })
            {
                await fixture.Demo.ContainerStatusAsync(name, "Running", ct);
                // One port (an entry of the list) on the network, with an address of each version, both in the container.
                var entry = Assert.Single(await demo.ListAsync(ct, "appcontainer", "network", "list", name))!.AsObject();
                Assert.Equal(netId, Field(entry, "net_id"));
                var ips = Field(entry, "fixed_ips").Split(',');
                Assert.Equal(2, ips.Length);
                Assert.Single(ips, ip => ip.StartsWith($"{range}.", StringComparison.Ordinal));
                Assert.Single(ips, ip => ip.StartsWith(prefix, StringComparison.Ordinal));
                var port = (await fixture.Admin.ShowAsync(ct, "port", "show", Field(entry, "port_id")))["fixed_ips"]!.ToJsonString();
                var inside = (await fixture.Demo.ExecAsync(name, ct, "ip", "-o", "addr", "show", "eth0")).Stdout;
                foreach (var ip in ips)
                {
                    Assert.Contains($"\"{ip}\"", port, StringComparison.Ordinal);
                    Assert.Contains($" {ip}/", inside, StringComparison.Ordinal);
                }
            }
            Assert.Contains(wanted, Field(await demo.ShowAsync(ct, "appcontainer", "show", fixedOne), "addresses"), StringComparison.Ordinal);
            // The project's default group lets its members in over IPv6 as over IPv4: a ping between the two containers.
            var reached = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(60); !reached && DateTime.UtcNow < deadline;)
            {
                reached = (await fixture.Demo.ExecAsync(any, ct, "ping", "-6", "-c", "1", "-W", "2", wanted)).ExitCode == 0;
            }
            Assert.True(reached, $"{any} did not reach {wanted} over IPv6 within 60 s");

            // The same network made by hand on the node's engine, as kuryr-libnetwork's users do, and a container run on it
            // with no address asked: its IPv6 address is on the port its IPv4 address got, so IPv6 carries from it too.
            string[] options = ["--opt", $"neutron.net.uuid={netId}", "--ipam-opt", $"neutron.net.uuid={netId}"];
            await fixture.Cloud.Node.RunAsync("creating a dual-stack kuryr network", ["docker", "network", "create", "--driver", "kuryr", "--ipam-driver", "kuryr", "--ipv6", "--subnet", $"{range}.0/24",
                "--subnet", $"{prefix}:/64", .. options, plain], ct);
            var run = await fixture.Cloud.Node.ExecAsync(["docker", "run", "--rm", "--network", plain, "cirros", "sh", "-c",
                $"ip -o addr show eth0; for i in 1 2 3 4 5 6 7 8 9 10; do ping -6 -c 1 -W 2 {wanted} && exit 0; done; exit 1"], ct);
            Assert.True(run.ExitCode == 0, $"a container on {plain} did not reach {wanted} over IPv6: {run.Stdout} {run.Stderr}");
            Assert.Matches($@"inet {Regex.Escape(range)}\.\d+/24", run.Stdout);
            Assert.Matches($@"inet6 {Regex.Escape(prefix)}[0-9a-f:]+/64", run.Stdout);
            // Its port was made for it and went with it.
            await UntilAsync(async () => (await fixture.Admin.ListAsync(ct, "port", "list", "--network", netId)).All(p => !(p?["Name"]?.ToString() ?? "").StartsWith("kuryr-", StringComparison.Ordinal)),
                "the port made for the engine's container deleted", ct);
        }
        finally
        {
            await fixture.Cloud.Node.ExecAsync(["docker", "network", "rm", plain], CancellationToken.None);
            await fixture.Admin.CleanUpAsync(["appcontainer", "delete", "--force", "--all-projects", any], ["appcontainer", "delete", "--force", "--all-projects", fixedOne]);
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
            await fixture.Admin.CleanUpAsync(["network", "delete", net]);
        }
    }

    [Fact]
    public async Task AnotherProjectsNetworkAndGroup_AreNotFound_AndNothingIsCreated()
    {
        var ct = Timeout(4);
        var privateId = Field(await fixture.Demo.ShowAsync(ct, "network", "show", "private"), "id");
        var demoDefault = Field(Assert.Single(await fixture.Demo.ListAsync(ct, "security", "group", "list"),
            g => g?["Name"]?.ToString() == "default")!.AsObject(), "ID");
        var name = $"e2e-alt-{Guid.NewGuid():N}"[..16];
        foreach (var (args, reason) in new[]
        {
            (new[] { "--net", $"network={privateId}" }, $"Neutron network {privateId} could not be found"),
            (["--security-group", demoDefault], $"Security group {demoDefault} not found"),
        })
        {
            var result = await OpenStackClient.CloudAsync(fixture.Cloud.CloudsYaml, "devstack-alt", ["appcontainer", "create", "--name", name, .. args, "cirros"], TimeSpan.FromMinutes(2), ct);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains(reason, result.Stderr, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(await fixture.Admin.ListAsync(ct, "appcontainer", "list", "--all-projects"), c => c?["name"]?.ToString() == name);
    }

    private static string Field(JsonObject o, string key) => o[key]?.ToString() ?? "";

    /// <summary>The container's networks and each one's first IPv4 address, from <c>appcontainer network list</c>.</summary>
    private async Task<Dictionary<string, string>> NetworksAsync(string container, CancellationToken ct) =>
        (await fixture.Demo.ListAsync(ct, "appcontainer", "network", "list", container)).Select(n => n!.AsObject())
            .ToDictionary(n => Field(n, "net_id"), n => Regex.Match(n["fixed_ips"]!.ToJsonString(), @"\d+\.\d+\.\d+\.\d+").Value);


    private static async Task UntilAsync(Func<Task<bool>> done, string what, CancellationToken ct, Func<string>? state = null)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(2); !await done(); await Task.Delay(2000, ct))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 2 minutes: {what} {state?.Invoke()}");
        }
    }


}
