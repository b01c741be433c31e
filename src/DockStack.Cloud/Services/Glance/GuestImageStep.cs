using System.Text.Json.Nodes;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Glance;

/// <summary>
/// A tiny bootable image in Glance, as DevStack leaves one in a new cloud. DevStack downloads CirrOS; nothing outside
/// Debian's mirror is reachable here, so the image is built from Debian's packages: the cloud kernel and a busybox
/// initramfs, registered as kernel + ramdisk + machine image (Glance's aki/ari/ami formats, which Nova's libvirt driver
/// boots directly). The guest prints <see cref="BootedMarker"/> on its serial console, asks for an address by DHCP and waits.
/// </summary>
public sealed class GuestImageStep : IProvisioningStep
{
    public const string ImageName = "tiny-linux-x86_64";
    /// <summary>The same guest under a name that starts with <c>cirros</c> (clouds.yaml's <c>functional: image_name</c>).</summary>
    public const string CirrosImageName = "cirros-tiny-linux-x86_64-disk";
    public const string BootedMarker = "dockstack-guest: booted";
    private const string Images = GlanceModule.Url + "/v2/images";
    private const string GuestDirectory = "/var/lib/dockstack/guest";
    private const string BuildPath = "/usr/local/sbin/dockstack-guest-build";

    /// <summary>Runs in the build node: downloads three Debian packages (no install: the node keeps none of them) and packs the guest.</summary>
    public static NodeFile BuildScript => NodeFile.Text(BuildPath, ServiceModule.Read("Glance", "Scripts/dockstack-guest-build"), NodeFile.Executable);

    public string Title => "the tiny guest image";

    public ProvisioningPhase Phase => ProvisioningPhase.Populate;

    public bool AppliesTo(CloudSettings settings) => settings.Has(GlanceModule.Api);

    public async Task RunAsync(ProvisioningContext context)
    {
        await context.Node.WriteFilesAsync([BuildScript], context.CancellationToken);
        await context.ShellAsync("Building the tiny guest (Debian's cloud kernel, a busybox initramfs)", $"{BuildPath} {GuestDirectory}");
        var kernel = await UploadAsync(context, $"{ImageName}-kernel", ("aki", "aki"), $"{GuestDirectory}/vmlinuz", new JsonObject());
        var ramdisk = await UploadAsync(context, $"{ImageName}-ramdisk", ("ari", "ari"), $"{GuestDirectory}/initrd", new JsonObject());
        JsonObject Machine() => new()
        {
            ["kernel_id"] = kernel,
            ["ramdisk_id"] = ramdisk,
            ["os_command_line"] = "console=ttyS0 quiet",
            ["os_distro"] = "dockstack-tiny-linux",
        };
        await UploadAsync(context, ImageName, ("ami", "ami"), $"{GuestDirectory}/disk", Machine());
        // Tools written for DevStack pick the first image whose name starts with "cirros": the same guest under such a
        // name, saying in its properties what it really is.
        var alias = Machine();
        alias["description"] = $"Not CirrOS: {ImageName} (a Debian cloud kernel and a busybox initramfs) under a name DevStack's tools find";
        await UploadAsync(context, CirrosImageName, ("ami", "ami"), $"{GuestDirectory}/disk", alias);
        await context.ShellAsync("Removing the guest's build files", $"rm -rf {GuestDirectory} {BuildPath}");
    }

    /// <summary>A public image made from a file in the node (uploaded by <c>upload-image.sh</c>, not through this process):
    /// its id.</summary>
    internal static async Task<string> UploadAsync(ProvisioningContext context, string name, (string Disk, string Container) format, string file, JsonObject properties)
    {
        var token = (await context.KeystoneAsync()).Token;
        var body = new JsonObject { ["name"] = name, ["disk_format"] = format.Disk, ["container_format"] = format.Container, ["visibility"] = "public" };
        foreach (var (key, value) in properties)
        {
            body[key] = value?.DeepClone();
        }
        var created = await context.Http.RequireAsync("POST", Images, body, token, context.CancellationToken);
        var id = created.Body?["id"]?.GetValue<string>() ?? throw new InvalidOperationException($"Glance created image {name} without an id: {created.Text}");
        await context.ScriptAsync($"Uploading {name}", "Services/Glance/Scripts/upload-image.sh", [file, $"{Images}/{id}/file", name], [$"TOKEN={token}"]);
        return id;
    }
}
