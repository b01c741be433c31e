using DockStack.Cli.Commands;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using DockStack.Cloud.Lifecycle;
using DockStack.Cloud.Snapshots;
using DockStack.Docker;
using Spectre.Console.Testing;

namespace DockStack.UnitTests;

public class RenderingTests
{
    private static async Task<string> Render(bool interactive, bool verbose)
    {
        var console = new TestConsole();
        if (interactive)
        {
            console.Interactive();
        }
        var renderer = new EventRenderer(console, new OutputMode(interactive, verbose, Json: false));
        await renderer.RunAsync(async events =>
        {
            await events.StepAsync("Building the base image", () => Task.CompletedTask);
            events.Publish(new CommandOutput("apt says hello\n"));
            events.Warn("setting FOO is not supported");
            await Assert.ThrowsAsync<InvalidOperationException>(() => events.StepAsync("Starting node", () => throw new InvalidOperationException("boom")));
            return 0;
        });
        return console.Output;
    }

    [Fact]
    public async Task Plain_PrintsTimestampedStepLines()
    {
        var output = await Render(interactive: false, verbose: false);
        Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ start  Building the base image", output);
        Assert.Matches(@"done   Building the base image \(\d+\.\d s\)", output);
        Assert.Contains("FAILED Starting node", output, StringComparison.Ordinal);
        Assert.Contains("warning: setting FOO is not supported", output, StringComparison.Ordinal);
        Assert.DoesNotContain("apt says hello", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_Verbose_ShowsCommandOutput()
    {
        var output = await Render(interactive: false, verbose: true);
        Assert.Contains("apt says hello", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interactive_MarksDoneAndFailedSteps()
    {
        var output = await Render(interactive: true, verbose: false);
        Assert.Contains("✔ Building the base image", output, StringComparison.Ordinal);
        Assert.Contains("✘ Starting node", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{4}-\d\d-\d\dT", output);
    }

    [Fact]
    public void Status_RendersStateServicesAndSnapshots()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        var status = new CloudStatus("dev", "dockstack-dev", "127.0.0.2", "running", DateTimeOffset.UtcNow.AddMinutes(-3), TimeSpan.FromMinutes(3), "degraded",
            ["nova-compute.service"], [new PortBinding(5000, 5000, "127.0.0.2")],
            [new SnapshotInfo("before", "sha256:1", DateTimeOffset.UtcNow, 1, new Dictionary<string, string>())],
            [new ServiceHealthView("identity", "keystone", "active", "http://127.0.0.1:5000/v3", true, 12.4, null)],
            "/s/clouds/dev/clouds.yaml");

        StatusView.Render(console, status);

        Assert.Contains("nova-compute.service", console.Output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.2:5000->5000", console.Output, StringComparison.Ordinal);
        Assert.Matches(@"Address\s+127\.0\.0\.2", console.Output);
        Assert.Contains("before", console.Output, StringComparison.Ordinal);
        Assert.Contains("keystone", console.Output, StringComparison.Ordinal);
        Assert.Contains("12 ms", console.Output, StringComparison.Ordinal);
        Assert.Contains("3 min", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusJson_HasCloudsYamlKey()
    {
        var status = new CloudStatus("dev", "c", "127.0.0.1", "running", null, null, "running", [], [], [], [], "/s/clouds.yaml");
        var json = System.Text.Json.JsonSerializer.Serialize(StatusView.ToJson(status), Json.Options);
        Assert.Contains("\"cloudsYaml\": \"/s/clouds.yaml\"", json, StringComparison.Ordinal);
        Assert.Contains("\"address\": \"127.0.0.1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"failedUnits\": []", json, StringComparison.Ordinal);
    }
}
