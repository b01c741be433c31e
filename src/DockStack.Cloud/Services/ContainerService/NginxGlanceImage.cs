using System.Text.Json.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Glance;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// nginx in Glance for the container service's glance image driver (<c>--image-driver glance nginx</c>): the nested
/// engine's <see cref="ContainerServiceFiles.NginxImage"/> as <c>docker save</c> writes it, a public image of
/// container_format docker. Uploaded when the containers layer is built, with Glance up in its build node; Glance's file
/// store is in the image, so every cloud of the layer has it.
/// </summary>
public static class NginxGlanceImage
{
    public const string Name = "nginx";
    private const string Archive = "/var/tmp/dockstack-nginx-image.tar";

    /// <summary>In a cloud with Glance (the container service always runs with Keystone in the node).</summary>
    public static bool AppliesTo(CloudSettings settings) => settings.Has(GlanceModule.Api);

    /// <summary>What Glance gets besides the data: the image driver finds <c>nginx:latest</c> by its <c>tag</c>.</summary>
    public static JsonObject Properties() => new()
    {
        ["tag"] = "latest",
        ["description"] = $"{ContainerServiceFiles.NginxImage} of the container service (docker save): Debian's nginx on busybox-static, DockStack",
    };

    internal static async Task UploadAsync(ProvisioningContext context)
    {
        var ct = context.CancellationToken;
        await context.WaitForHttpAsync(GlanceModule.Url + "/", "glance-api.service", TimeSpan.FromMinutes(2));
        await context.Node.RunAsync($"Saving {ContainerServiceFiles.NginxImage}", ["docker", "save", "-o", Archive, ContainerServiceFiles.NginxImage], ct);
        await GuestImageStep.UploadAsync(context, Name, ("raw", "docker"), Archive, Properties());
        await context.Node.RunAsync("Removing the saved image", ["rm", "-f", Archive], ct);
    }
}
