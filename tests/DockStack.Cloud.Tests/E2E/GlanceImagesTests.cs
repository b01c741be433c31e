using System.Text.Json.Nodes;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Glance as the container service's image store, with Debian's client: demo commits a running container (a private
/// Glance image of the demo project, container_format docker) and runs it with <c>--image-driver glance</c>; alt_demo,
/// another project, neither sees the image nor runs it.
/// </summary>
[Collection(FullCloudCollection.Name)]
public sealed class GlanceImagesTests(FullCloudFixture fixture)
{
    private static CancellationToken Timeout(int minutes) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    [Fact]
    public async Task Commit_UploadsAPrivateDockerImage_ItsProjectRunsIt_AnotherProjectGetsNotFound()
    {
        var ct = Timeout(15);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (image, source, fromGlance, altRun) = ($"e2e-commit-{suffix}", $"e2e-src-{suffix}", $"e2e-glance-{suffix}", $"e2e-alt-{suffix}");
        var demo = fixture.Demo;
        try
        {
            await demo.RunAsync(ct, "appcontainer", "run", "--name", source, "cirros", "sleep", "3600");
            await demo.ContainerStatusAsync(source, "Running", ct);
            await demo.RunAsync(ct, "appcontainer", "commit", source, image);

            var shown = await demo.ShowAsync(ct, "image", "show", image);
            Assert.Equal(("private", "docker", "raw", "active"),
                (shown["visibility"]?.ToString(), shown["container_format"]?.ToString(), shown["disk_format"]?.ToString(), shown["status"]?.ToString()));
            Assert.Contains(await demo.ListAsync(ct, "image", "list", "--private"), i => i?["Name"]?.ToString() == image);

            await demo.RunAsync(ct, "appcontainer", "run", "--name", fromGlance, "--image-driver", "glance", image, "echo", "hi");
            var run = await demo.ContainerStatusAsync(fromGlance, "Stopped", ct);
            Assert.Equal(("glance", image), (run["image_driver"]?.ToString(), run["image"]?.ToString()));
            Assert.Contains("hi", await demo.RunAsync(ct, "appcontainer", "logs", fromGlance));

            // alt_demo: another project; the image is private to demo's.
            var altShow = await AltAsync(ct, "image", "show", image);
            Assert.NotEqual(0, altShow.ExitCode);
            var altCreate = await AltAsync(ct, "appcontainer", "run", "--name", altRun, "--image-driver", "glance", image, "echo", "hi");
            Assert.NotEqual(0, altCreate.ExitCode);
            Assert.Contains($"Image {image} could not be found", altCreate.Stderr, StringComparison.Ordinal);
            Assert.Contains("404", altCreate.Stderr, StringComparison.Ordinal);
            var altById = await AltAsync(ct, "appcontainer", "run", "--name", altRun, "--image-driver", "glance", shown["id"]!.ToString(), "echo", "hi");
            Assert.Contains("could not be found", altById.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var container in new[] { source, fromGlance, altRun })
            {
                await QuietlyAsync("appcontainer", "delete", "--force", "--all-projects", container);
            }
            // The commit's record (and the engine's image) once the containers made from it are gone.
            await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None);
            foreach (var record in await fixture.Admin.ListAsync(Timeout(2), "appcontainer", "image", "list"))
            {
                if (record is JsonObject fields && fields.Any(f => f.Value?.ToString() == image))
                {
                    await QuietlyAsync("appcontainer", "image", "delete", fields["uuid"]!.ToString());
                }
            }
            foreach (var glanceImage in await fixture.Admin.ListAsync(Timeout(2), "image", "list", "--name", image))
            {
                await QuietlyAsync("image", "delete", glanceImage!["ID"]!.ToString());
            }
        }
    }

    private Task<ProcessResult> AltAsync(CancellationToken ct, params string[] arguments) =>
        OpenStackClient.CloudAsync(fixture.Cloud.CloudsYaml, "devstack-alt", arguments, TimeSpan.FromMinutes(2), ct);

    private async Task QuietlyAsync(params string[] arguments)
    {
        try
        {
            await fixture.Admin.RunAsync(Timeout(2), arguments);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
