namespace DockStack.Cloud.Tests.E2E.Containers;

/// <summary>`dockstack test` passes on a healthy cloud and fails clearly when the nested engine is stopped.</summary>
[Collection(ContainerCloudCollection.Name)]
[Trait("Category", "E2E")]
public sealed class DockStackTestCommandTests(ContainerCloudFixture cloud)
{
    [Fact]
    public async Task Passes_and_prints_the_ping_output()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        var result = await cloud.DockStackAsync(["test"]);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("4 packets transmitted, 4 packets received", result.Output);
        Assert.Contains("Exit code 0", result.Output);
        Assert.Contains("Container service test passed", result.Output);
        Assert.DoesNotContain((await cloud.Admin.ListAsync(CancellationToken.None, "appcontainer", "list")).Select(c => c?["name"]?.GetValue<string>() ?? ""),
            n => n.StartsWith("dockstack-test-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Leaves_a_users_own_container_named_test_alone()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        // -f json before the image: what follows the image is the container's command.
        var mine = System.Text.Json.Nodes.JsonNode.Parse(await cloud.Admin.RunAsync(CancellationToken.None, "appcontainer", "run", "-f", "json", "--name", "test", "cirros", "sleep", "300"))!;
        var uuid = mine["uuid"]!.GetValue<string>();
        try
        {
            var result = await cloud.DockStackAsync(["test"]);

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.DoesNotContain("'test'", result.Output, StringComparison.Ordinal);
            var still = await cloud.Admin.ShowAsync(CancellationToken.None, "appcontainer", "show", uuid);
            Assert.Equal("test", still["name"]?.GetValue<string>());
        }
        finally
        {
            await cloud.Admin.RunAsync(CancellationToken.None, "appcontainer", "delete", "--force", uuid);
        }
    }

    [Fact]
    public async Task Fails_with_a_clear_message_when_the_nested_engine_is_stopped()
    {
        await cloud.WaitForComputeAsync(TimeSpan.FromMinutes(3));
        try
        {
            var stop = await cloud.DockStackAsync(["exec", "--", "systemctl", "stop", "docker"]);
            Assert.Equal(0, stop.ExitCode);
            var result = await cloud.DockStackAsync(["test"]);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("FAIL", result.Output);
            Assert.Contains("nested Docker engine in the node is not running", result.Output);
            Assert.Contains("systemctl start docker", result.Output);
            Assert.Equal("inactive", (await cloud.DockStackAsync(["exec", "--", "systemctl", "is-active", "docker"])).Output.Trim());
        }
        finally
        {
            await cloud.DockStackAsync(["exec", "--", "systemctl", "start", "docker"]);
        }
        var again = await cloud.DockStackAsync(["test"]);
        Assert.True(again.ExitCode == 0, again.Output);
    }
}
