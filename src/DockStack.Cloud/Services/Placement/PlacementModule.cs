using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;

namespace DockStack.Cloud.Services.Placement;

/// <summary>Placement.</summary>
public sealed class PlacementModule : ServiceModule
{
    /// <summary>DevStack's names of Placement's API and of its client side (nothing of its own to run here).</summary>
    public const string Api = "placement-api";
    public const string Client = "placement-client";

    public const string Url = "http://127.0.0.1:8778";

    public override string Name => "Placement";

    public override IReadOnlyList<string> DevStackNames => [Api, Client];

    public override bool IsEnabled(CloudSettings settings) => settings.Has(Api);

    public override IReadOnlyDictionary<string, string[]> DevStackGroups { get; } = One("placement", Api, Client);

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = One(Api, "placement-api");

    public override IReadOnlyList<CloudService> Units { get; } = [new("placement-api", Api, "placement-api.service", 8778, "/", true)];

    public override IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) => [new("placement", "placement")];

    private static readonly KeystoneEntry Entry = new("placement", new CatalogEntry("placement", "placement", "Placement API", Url));

    public override IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings) => [Entry];

    public static readonly ConfigFile Config = new("/etc/placement/placement.conf", ["PLACEMENT_CONF"], [Api], s =>
    [
        ("placement_database", "connection", MariaDbModule.ConnectionFor(s, "placement", "placement")),
        ("api", "auth_strategy", "keystone"),
        .. KeystoneModule.AuthToken(s, "placement"),
    ]);

    public override IReadOnlyList<ConfigFile> ConfigFiles { get; } = [Config];

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new PlacementStep()];

    private sealed class PlacementStep : IProvisioningStep
    {
        public string Title => "Placement";

        public bool AppliesTo(CloudSettings settings) => settings.Has(Api);

        public async Task RunAsync(ProvisioningContext context)
        {
            await KeystoneModule.RegisterAsync(context, [Entry]);
            await context.ConfigureAsync(Config);
            await context.SetUwsgiWorkersAsync("/etc/placement/placement-api-uwsgi.ini", 1, 4);
            await context.RunAsAsync("placement", "placement db sync", "placement-manage", "db", "sync");
            await context.StartAsync("placement-api.service");
            await context.WaitForHttpAsync(Url + "/", "placement-api.service", TimeSpan.FromMinutes(2));
        }
    }
}
