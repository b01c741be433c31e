using DockStack.Cloud.Services.ContainerService;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// The nginx guest image as upstream Zun's tempest test uses it, with Debian's client as the demo user: `nginx` with no
/// command runs, and a cirros container that curls it has the welcome page in its logs. The same image from Glance
/// (<c>--image-driver glance</c>, the public <c>nginx</c> the layer uploads) loads and runs.
/// </summary>
[Trait("Category", "E2E")]
[Collection(FullCloudCollection.Name)]
public sealed class NginxGuestTests(FullCloudFixture fixture)
{
    private static CancellationToken Timeout(int minutes) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    [Fact]
    public async Task Nginx_RunsWithoutACommand_ACirrosContainerCurlsItsWelcomePage_AndGlancesCopyRuns()
    {
        var ct = Timeout(10);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (server, client, fromGlance) = ($"e2e-nginx-{suffix}", $"e2e-curl-{suffix}", $"e2e-nginx-glance-{suffix}");
        var demo = fixture.Demo;
        try
        {
            await demo.RunAsync(ct, "appcontainer", "run", "--name", server, "nginx");
            var address = (await demo.ContainerStatusAsync(server, "Running", ct))["addresses"]!.ToString();
            Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", address);

            // `curl <ip>` as tempest runs it; a few tries while the new container's port is wired.
            await demo.RunAsync(ct, "appcontainer", "run", "--name", client, "cirros", "sh", "-c",
                $"for i in 1 2 3 4 5 6 7 8 9 10; do curl {address} && exit 0; sleep 3; done; exit 1");
            await demo.ContainerStatusAsync(client, "Stopped", ct);
            var logs = await demo.RunAsync(ct, "appcontainer", "logs", client);
            Assert.Contains(ContainerServiceFiles.NginxWelcome, logs, StringComparison.Ordinal);
            Assert.Contains("Thank you for using nginx.", logs, StringComparison.Ordinal);

            var image = await demo.ShowAsync(ct, "image", "show", NginxGlanceImage.Name);
            Assert.Equal(("public", "docker", "raw", "active"),
                (image["visibility"]?.ToString(), image["container_format"]?.ToString(), image["disk_format"]?.ToString(), image["status"]?.ToString()));
            await demo.RunAsync(ct, "appcontainer", "run", "--name", fromGlance, "--image-driver", "glance", NginxGlanceImage.Name, "sh", "-c", "nginx -v 2>&1");
            await demo.ContainerStatusAsync(fromGlance, "Stopped", ct);
            Assert.Contains("nginx version: nginx/", await demo.RunAsync(ct, "appcontainer", "logs", fromGlance), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var container in new[] { server, client, fromGlance })
            {
                try
                {
                    await fixture.Admin.RunAsync(Timeout(2), "appcontainer", "delete", "--force", "--all-projects", container);
                }
                catch (InvalidOperationException)
                {
                    // never made, or already gone
                }
            }
        }
    }
}
