namespace DockStack.Cloud.Tests.E2E.Containers;

/// <summary>A guest container attacks the node it runs in: the node's services (RabbitMQ, MariaDB, Erlang's port mapper,
/// Keystone, the VNC proxy, the container service) refuse it, while guests still reach each other.</summary>
[Collection(ContainerCloudCollection.Name)]
[Trait("Category", "E2E")]
public sealed class GuestFenceTests(ContainerCloudFixture cloud)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Ports the node listens on for its own services.</summary>
    private static readonly int[] NodePorts = [5672, 25672, 3306, 4369, 5000, 6080, 9292, 9517, 11211];

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
            await os.RunAsync(ct, "appcontainer", "run", "--name", target, "cirros", "sh", "-c", "exec nc -ll -p 8080 -e echo guest-to-guest-ok");
            await os.RunAsync(ct, "appcontainer", "run", "--name", attacker, "cirros", "sleep", "600");
            var targetUuid = (await cloud.WaitForStatusAsync(target, StateTimeout, "Running"))["uuid"]!.GetValue<string>();
            await cloud.WaitForStatusAsync(attacker, StateTimeout, "Running");
            var targetIp = (await cloud.NodeAsync($"docker inspect --format '{{{{.NetworkSettings.IPAddress}}}}' zun-{targetUuid}")).Trim();
            var gateway = (await cloud.NodeAsync("docker network inspect bridge --format '{{(index .IPAM.Config 0).Gateway}}'")).Trim();

            // The ports the node answers on its bridge address: what a guest would reach without the fence.
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
            foreach (var name in new[] { target, attacker })
            {
                try
                {
                    await os.RunAsync(ct, "appcontainer", "delete", "--force", name);
                }
                catch (InvalidOperationException)
                {
                    // not created
                }
            }
        }
    }
}
