namespace DockStack.Cloud.Tests.E2E.Containers;

/// <summary>Guest containers across the cloud's lifecycle: snapshot save/restore keeps a running guest, reset leaves none.</summary>
[Collection(ContainerCloudCollection.Name)]
[Trait("Category", "E2E")]
public sealed class GuestLifecycleTests(ContainerCloudFixture cloud)
{
    private static readonly TimeSpan LifecycleTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Snapshot_restore_keeps_a_running_guest_and_reset_removes_every_guest()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        var ct = CancellationToken.None;
        var os = cloud.Admin;
        var snapshot = "e2e-guest-" + Guid.NewGuid().ToString("N")[..6];
        await os.RunAsync(ct, "appcontainer", "run", "--name", "keeper", "--restart", "always", "cirros", "sh", "-c", "test -f /root/born || date > /root/born; exec sleep 3600");
        var uuid = (await cloud.WaitForStatusAsync("keeper", TimeSpan.FromMinutes(2), "Running"))["uuid"]!.GetValue<string>();
        var born = await cloud.NodeAsync($"docker exec zun-{uuid} cat /root/born");
        try
        {
            var save = await cloud.DockStackAsync(["snapshot", "save", snapshot], LifecycleTimeout);
            Assert.True(save.ExitCode == 0, save.Output);

            // Something after the snapshot that the restore must undo.
            await os.RunAsync(ct, "appcontainer", "delete", "--force", "keeper");
            await cloud.WaitForGoneAsync("keeper", TimeSpan.FromMinutes(2));

            var restore = await cloud.DockStackAsync(["restore", snapshot], LifecycleTimeout);
            Assert.True(restore.ExitCode == 0, restore.Output);
            await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(4));
            var shown = await cloud.WaitForStatusAsync("keeper", TimeSpan.FromMinutes(3), "Running");
            Assert.Equal(uuid, shown["uuid"]!.GetValue<string>());
            Assert.Equal("running", await cloud.EngineStateAsync(uuid));
            // The engine restarted the guest (restart policy always) in its restored file system: the file it wrote first is still there.
            Assert.Equal(born, await cloud.NodeAsync($"docker exec zun-{uuid} cat /root/born"));
        }
        finally
        {
            await cloud.DockStackAsync(["snapshot", "rm", snapshot]);
        }

        var reset = await cloud.DockStackAsync(["reset"], LifecycleTimeout);
        Assert.True(reset.ExitCode == 0, reset.Output);
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(4));
        Assert.Empty(await os.ListAsync(ct, "appcontainer", "list", "--all-projects"));
        Assert.Equal("", (await cloud.NodeAsync("docker ps -a -q")).Trim());
        Assert.Contains("cirros:latest", await cloud.NodeAsync($"for i in $(seq 60); do docker image inspect cirros >/dev/null 2>&1 && break; sleep 1; done; docker images --format '{{{{.Repository}}}}:{{{{.Tag}}}}'"));
    }
}
