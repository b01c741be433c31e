using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Horizon;

/// <summary>Horizon on Apache: a settings snippet that points it at Keystone on 127.0.0.1:5000 and accepts only the host
/// names the cloud is reached by (its address, and 127.0.0.1, localhost and the node's hostname inside the node).</summary>
public sealed class HorizonModule : ServiceModule
{
    /// <summary>DevStack's name of Horizon.</summary>
    public const string Service = "horizon";

    public const string Unit = "apache2.service";

    public const string SettingsPath = "/etc/openstack-dashboard/local_settings.d/_9000_dockstack.py";

    /// <summary>The snippet's setting that names the cloud's address in <c>ALLOWED_HOSTS</c> (127.0.0.1 in the image).</summary>
    public const string PublishedHostSetting = "DOCKSTACK_PUBLISHED_HOST";

    public const string VhostPath = "/etc/apache2/sites-available/openstack-dashboard.conf";

    public override string Name => "Horizon";

    public override IReadOnlyList<string> DevStackNames => [Service];

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = One(Service, "openstack-dashboard-apache");

    public override IReadOnlyList<string> Preseeds { get; } =
    [
        "openstack-dashboard-apache horizon/activate_vhost boolean true",
        "openstack-dashboard-apache horizon/use_ssl boolean false",
    ];

    /// <summary>Published on the host's HORIZON_PORT (the node port stays 80).</summary>
    public override IReadOnlyList<CloudService> Units { get; } = [new("horizon", Service, Unit, 80, "/auth/login/", true)];

    /// <summary>The settings snippet: Keystone's URL and memcached's address are written out in it.</summary>
    public static NodeFile SettingsSnippet => NodeFile.Text(SettingsPath, Read("Horizon", "Files/_9000_dockstack.py"));

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => [SettingsSnippet];

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new HorizonStep()];

    private sealed class HorizonStep : IProvisioningStep
    {
        public string Title => "Horizon";

        public bool AppliesTo(CloudSettings settings) => true;

        public async Task RunAsync(ProvisioningContext context)
        {
            await context.Node.WriteFilesAsync([SettingsSnippet], context.CancellationToken);
            await context.ScriptAsync("Horizon's WSGI process group", "Services/Horizon/Scripts/wsgi-process-group.sh", [VhostPath]);
            await context.StartAsync(Unit);
            await context.RestartAsync(Unit);
            await context.WaitForHttpAsync("http://127.0.0.1/auth/login/", Unit, TimeSpan.FromMinutes(3));
        }
    }
}
