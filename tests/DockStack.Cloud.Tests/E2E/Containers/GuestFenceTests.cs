namespace DockStack.Cloud.Tests.E2E.Containers;

/// <summary>Guest containers attack what they should not reach: the node they run in (RabbitMQ, MariaDB, Erlang's port
/// mapper, Keystone, the VNC proxy, the container service), and another project's guests. Both refuse them, while a
/// project's guests still reach each other.</summary>
[Collection(ContainerCloudCollection.Name)]
[Trait("Category", "E2E")]
public sealed class GuestFenceTests(ContainerCloudFixture cloud)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Ports the node listens on for its own services.</summary>
    private static readonly int[] NodePorts = [5672, 25672, 3306, 4369, 5000, 6080, 9292, 9517, 11211];

    /// <summary>A guest that answers every TCP connection on port 8080 with <paramref name="banner"/>.</summary>
    private static string[] Listener(string banner) => ["cirros", "sh", "-c", $"exec nc -ll -p 8080 -e echo {banner}"];

    /// <summary>Both guests are the admin project's: on one project's network, so the neighbour check holds with the
    /// projects kept apart.</summary>
    [Fact]
    public async Task Guest_CannotOpenAConnectionToTheNodesServices_ButReachesAnotherGuest()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        var ct = CancellationToken.None;
        var os = cloud.Admin;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (target, attacker) = ($"e2e-fence-target-{suffix}", $"e2e-fence-attacker-{suffix}");
        try
        {
            await os.RunAsync(ct, ["appcontainer", "run", "--name", target, .. Listener("guest-to-guest-ok")]);
            await os.RunAsync(ct, "appcontainer", "run", "--name", attacker, "cirros", "sleep", "600");
            var targetUuid = (await cloud.WaitForStatusAsync(target, StateTimeout, "Running"))["uuid"]!.GetValue<string>();
            var attackerUuid = (await cloud.WaitForStatusAsync(attacker, StateTimeout, "Running"))["uuid"]!.GetValue<string>();
            var targetIp = (await PlaceAsync(targetUuid)).Address;
            // The node's address on the attacker's own bridge: the first hop it has.
            var gateway = (await PlaceAsync(attackerUuid)).Gateway;

            // The ports the node answers on that address: what a guest would reach without the fence.
            var listening = new List<int>();
            foreach (var port in NodePorts)
            {
                var probe = await cloud.NodeAsync($"timeout 3 bash -c '</dev/tcp/{gateway}/{port}' 2>/dev/null && echo open || echo closed");
                if (probe.Trim() == "open")
                {
                    listening.Add(port);
                }
            }
            Assert.True(listening.Count >= 4, $"the node answers on {gateway} only on ports {string.Join(", ", listening)}");

            foreach (var port in listening)
            {
                var attempt = await os.RunAsync(ct, "appcontainer", "exec", attacker, "sh", "-c", $"nc -w 3 {gateway} {port} </dev/null >/dev/null 2>&1 && echo OPEN || echo REFUSED");
                Assert.True(attempt.Contains("REFUSED", StringComparison.Ordinal), $"a guest opened a connection to the node's port {port}: {attempt}");
            }

            var neighbour = await os.RunAsync(ct, "appcontainer", "exec", attacker, "sh", "-c", $"nc -w 3 {targetIp} 8080 </dev/null");
            Assert.Contains("guest-to-guest-ok", neighbour);
        }
        finally
        {
            await DeleteAsync(os, "--force", target, attacker);
        }
    }

    /// <summary>
    /// Project A (demo) has two guests, project B (admin) one; the nested engine's addresses say where each is. A's guest
    /// pings and opens TCP to B's, and B's to A's: nothing gets through. The same probes from A's second guest to A's
    /// first get through, so the refusals are the projects being apart, not the probes failing.
    /// </summary>
    [Fact]
    public async Task Guest_CannotReachAnotherProjectsGuest_ButReachesItsOwnProjectsGuest()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        var ct = CancellationToken.None;
        var (projectA, projectB) = (cloud.Demo, cloud.Admin);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (a1, a2, b1) = ($"e2e-proj-a1-{suffix}", $"e2e-proj-a2-{suffix}", $"e2e-proj-b1-{suffix}");
        try
        {
            await projectA.RunAsync(ct, ["appcontainer", "run", "--name", a1, .. Listener("same-project-ok")]);
            await projectA.RunAsync(ct, "appcontainer", "run", "--name", a2, "cirros", "sleep", "600");
            await projectB.RunAsync(ct, ["appcontainer", "run", "--name", b1, .. Listener("cross-project-open")]);
            var placeA1 = await PlaceAsync((await cloud.WaitForStatusAsync(projectA, a1, StateTimeout, "Running"))["uuid"]!.GetValue<string>());
            var placeA2 = await PlaceAsync((await cloud.WaitForStatusAsync(projectA, a2, StateTimeout, "Running"))["uuid"]!.GetValue<string>());
            var placeB1 = await PlaceAsync((await cloud.WaitForStatusAsync(projectB, b1, StateTimeout, "Running"))["uuid"]!.GetValue<string>());

            // Each project on its own network and bridge (dsg...), A's two guests on one.
            Assert.StartsWith("zun-project-", placeA1.Network);
            Assert.StartsWith("zun-project-", placeB1.Network);
            Assert.Equal(placeA1.Network, placeA2.Network);
            Assert.NotEqual(placeA1.Network, placeB1.Network);
            var (bridgeA, bridgeB) = (await BridgeAsync(placeA1.Network), await BridgeAsync(placeB1.Network));
            Assert.Matches("^dsg[0-9a-f]{12}$", bridgeA);
            Assert.Matches("^dsg[0-9a-f]{12}$", bridgeB);
            Assert.NotEqual(bridgeA, bridgeB);

            // The attack, both ways.
            Assert.Equal("UNREACHABLE", await PingAsync(projectA, a1, placeB1.Address));
            Assert.DoesNotContain("cross-project-open", await ConnectAsync(projectA, a1, placeB1.Address));
            Assert.Equal("UNREACHABLE", await PingAsync(projectB, b1, placeA1.Address));
            Assert.DoesNotContain("same-project-ok", await ConnectAsync(projectB, b1, placeA1.Address));

            // The same probes within project A.
            Assert.Equal("REACHED", await PingAsync(projectA, a2, placeA1.Address));
            Assert.Contains("same-project-ok", await ConnectAsync(projectA, a2, placeA1.Address));
        }
        finally
        {
            // A member may not force a delete; stopping first is theirs.
            await DeleteAsync(projectA, "--stop", a1, a2);
            await DeleteAsync(projectB, "--force", b1);
        }
    }

    /// <summary>Where the nested engine put the guest: its network, its address there and that network's gateway.</summary>
    private async Task<(string Network, string Address, string Gateway)> PlaceAsync(string uuid)
    {
        var text = await cloud.NodeAsync(
            "docker inspect --format '{{range $name, $n := .NetworkSettings.Networks}}{{$name}} {{$n.IPAddress}} {{$n.Gateway}}{{end}}' zun-" + uuid);
        var fields = text.Trim().Split(' ');
        Assert.True(fields.Length == 3, $"zun-{uuid} is not on exactly one network: {text}");
        return (fields[0], fields[1], fields[2]);
    }

    private async Task<string> BridgeAsync(string network) =>
        (await cloud.NodeAsync($"docker network inspect --format '{{{{index .Options \"com.docker.network.bridge.name\"}}}}' {network}")).Trim();

    private static async Task<string> PingAsync(OpenStackCli user, string guest, string address) =>
        (await user.RunAsync(CancellationToken.None, "appcontainer", "exec", guest, "sh", "-c",
            $"ping -c 2 -W 2 {address} >/dev/null 2>&1 && echo REACHED || echo UNREACHABLE")).Trim();

    /// <summary>What a TCP connection to port 8080 of <paramref name="address"/> read (nothing when it was refused).</summary>
    private static Task<string> ConnectAsync(OpenStackCli user, string guest, string address) =>
        user.RunAsync(CancellationToken.None, "appcontainer", "exec", guest, "sh", "-c", $"nc -w 3 {address} 8080 </dev/null 2>/dev/null; echo nc-done");

    private static async Task DeleteAsync(OpenStackCli user, string how, params string[] names)
    {
        foreach (var name in names)
        {
            try
            {
                await user.RunAsync(CancellationToken.None, "appcontainer", "delete", how, name);
            }
            catch (InvalidOperationException)
            {
                // not created
            }
        }
    }
}
