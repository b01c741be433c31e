namespace DockStack.Cloud.Tests.E2E.Containers;

/// <summary>A guest's root is not the node's root: the nested engine runs every guest in a user namespace of its own
/// (<c>userns-remap</c>), so a process that escapes its container is an unprivileged user of the node.</summary>
[Collection(ContainerCloudCollection.Name)]
[Trait("Category", "E2E")]
public sealed class GuestUsernsTests(ContainerCloudFixture cloud)
{
    [Fact]
    public async Task GuestRoot_IsAnUnprivilegedUserOfTheNode()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        var ct = CancellationToken.None;
        var os = cloud.Admin;
        var name = $"e2e-userns-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            await os.RunAsync(ct, "appcontainer", "run", "--name", name, "cirros", "sleep", "600");
            var uuid = (await cloud.WaitForStatusAsync(name, TimeSpan.FromMinutes(2), "Running"))["uuid"]!.GetValue<string>();

            // Inside, the guest is root, as a user of the image expects.
            var inside = await os.RunAsync(ct, "appcontainer", "exec", name, "id", "-u");
            Assert.Equal("0", inside.Trim());

            // In the node, that same process belongs to a uid of the remapped range, not to root.
            var pid = (await cloud.NodeAsync($"docker inspect --format '{{{{.State.Pid}}}}' zun-{uuid}")).Trim();
            var uids = (await cloud.NodeAsync($"awk '/^Uid:/ {{print $2, $3, $4, $5}}' /proc/{pid}/status")).Trim().Split(' ');
            Assert.Equal(4, uids.Length);
            Assert.All(uids, uid => Assert.True(long.Parse(uid, System.Globalization.CultureInfo.InvariantCulture) >= 100000, $"the guest's process runs as uid {uid} in the node"));
            var map = (await cloud.NodeAsync($"cat /proc/{pid}/uid_map")).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["0", "100000", "65536"], map);
        }
        finally
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
