using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Horizon;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// The container panels in Horizon (what zun-ui gave DevStack, which Debian does not package): a Django app of our own,
/// <c>dockstack_containers</c> (<c>Files/horizon/</c>), registered through Horizon's plugin files (<c>enabled/</c>), with
/// the policy file Horizon checks Zun's rule names against. Installed with the container service when Horizon is in
/// the cloud, so a cloud without the container service has no trace of them.
/// </summary>
public static class ContainerPanels
{
    private const string Source = "Services/ContainerService/Files/horizon/";

    public const string AppDirectory = "/usr/lib/python3/dist-packages/dockstack_containers";
    public const string EnabledDirectory = "/usr/lib/python3/dist-packages/openstack_dashboard/local/enabled";
    public const string SettingsDirectory = "/etc/openstack-dashboard/local_settings.d";
    public const string PolicyDirectory = "/etc/openstack-dashboard/policy";

    /// <summary>The panels' URLs under Horizon's root, as a user reaches them.</summary>
    public const string ContainersPath = "/project/appcontainers/";
    public const string ImagesPath = "/project/appcontainer_images/";
    public const string HostsPath = "/admin/appcontainer_hosts/";
    public const string ServicesPath = "/admin/appcontainer_services/";

    public static bool AppliesTo(CloudSettings settings) => settings.ContainerServiceEnabled && settings.Has(HorizonModule.Service);

    /// <summary>Every file of the plugin, where Horizon looks for it.</summary>
    public static IReadOnlyList<NodeFile> Files { get; } = EmbeddedFiles.Under(Source).Select(ToNodeFile).ToList();

    private static NodeFile ToNodeFile(string path)
    {
        var relative = path[Source.Length..];
        var target = relative switch
        {
            _ when relative.StartsWith("dockstack_containers/", StringComparison.Ordinal) => $"{AppDirectory}/{relative["dockstack_containers/".Length..]}",
            _ when relative.StartsWith("enabled/", StringComparison.Ordinal) => $"{EnabledDirectory}/{relative["enabled/".Length..]}",
            _ when relative.EndsWith(".yaml", StringComparison.Ordinal) => $"{PolicyDirectory}/{relative}",
            _ => $"{SettingsDirectory}/{relative}",
        };
        return new NodeFile(target, EmbeddedFiles.ReadBytes(path));
    }
}
