namespace DockStack.Cloud.Tests.E2E.Containers;

/// <summary>Debian's unmodified `openstack appcontainer` against the cloud's container service, each result checked on the nested engine.</summary>
[Collection(ContainerCloudCollection.Name)]
[Trait("Category", "E2E")]
public sealed class AppContainerTests(ContainerCloudFixture cloud)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Run_list_show_logs_exec_stop_start_pause_unpause_kill_delete()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        var ct = CancellationToken.None;
        var os = cloud.Admin;
        var name = "e2e-" + Guid.NewGuid().ToString("N")[..6];
        await os.RunAsync(ct, "appcontainer", "run", "--name", name, "cirros", "sh", "-c", "echo hello-from-cirros; exec sleep 600");
        var shown = await cloud.WaitForStatusAsync(name, StateTimeout, "Running");
        var uuid = shown["uuid"]!.GetValue<string>();
        Assert.Equal("running", await cloud.EngineStateAsync(uuid));

        var list = await os.ListAsync(ct, "appcontainer", "list");
        Assert.Contains(list, c => c?["name"]?.GetValue<string>() == name && c["status"]?.GetValue<string>() == "Running");
        Assert.Contains($"zun-{uuid}", await cloud.NodeAsync("docker ps --format '{{.Names}}'"));

        Assert.Contains("hello-from-cirros", await os.RunAsync(ct, "appcontainer", "logs", name));
        Assert.Contains("hello-from-cirros", await cloud.NodeAsync($"docker logs zun-{uuid}"));

        var exec = await os.RunAsync(ct, "appcontainer", "exec", name, "cat", "/etc/os-release");
        Assert.Contains("CirrOS", exec);

        await os.RunAsync(ct, "appcontainer", "stop", name);
        await cloud.WaitForStatusAsync(name, StateTimeout, "Stopped");
        Assert.Equal("exited", await cloud.EngineStateAsync(uuid));

        await os.RunAsync(ct, "appcontainer", "start", name);
        await cloud.WaitForStatusAsync(name, StateTimeout, "Running");
        Assert.Equal("running", await cloud.EngineStateAsync(uuid));

        await os.RunAsync(ct, "appcontainer", "pause", name);
        await cloud.WaitForStatusAsync(name, StateTimeout, "Paused");
        Assert.Equal("paused", await cloud.EngineStateAsync(uuid));

        await os.RunAsync(ct, "appcontainer", "unpause", name);
        await cloud.WaitForStatusAsync(name, StateTimeout, "Running");
        Assert.Equal("running", await cloud.EngineStateAsync(uuid));

        await os.RunAsync(ct, "appcontainer", "kill", name);
        await cloud.WaitForStatusAsync(name, StateTimeout, "Stopped");
        Assert.Equal("exited", await cloud.EngineStateAsync(uuid));

        await os.RunAsync(ct, "appcontainer", "delete", name);
        using var deadline = new CancellationTokenSource(StateTimeout);
        while ((await os.ListAsync(ct, "appcontainer", "list")).Any(c => c?["name"]?.GetValue<string>() == name))
        {
            await Task.Delay(500, deadline.Token);
        }
        Assert.Null(await cloud.EngineStateAsync(uuid));
    }

    [Fact]
    public async Task Image_host_and_service_lists_show_the_node()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        var ct = CancellationToken.None;
        var os = cloud.Admin;

        var services = await os.ListAsync(ct, "appcontainer", "service", "list");
        var compute = Assert.Single(services, s => s?["Binary"]?.GetValue<string>() == "zun-compute");
        Assert.Equal("up", compute!["State"]?.GetValue<string>());
        Assert.Equal("dockstack", compute["Host"]?.GetValue<string>());

        var hosts = await os.ListAsync(ct, "appcontainer", "host", "list");
        Assert.Contains(hosts, h => h?["hostname"]?.GetValue<string>() == "dockstack");

        // The store lists the images containers were created from; the engine holds the CirrOS stand-in.
        var images = await os.ListAsync(ct, "appcontainer", "image", "list");
        Assert.All(images, i => Assert.NotNull(i));
        Assert.Contains("cirros", await cloud.NodeAsync("docker images --format '{{.Repository}}:{{.Tag}}'"));
    }
}
