using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;

namespace DockStack.Cloud.Services.Glance;

/// <summary>Glance with the file store, and the tiny guest image DevStack's CirrOS stands for.</summary>
public sealed class GlanceModule : ServiceModule
{
    /// <summary>DevStack's name of Glance's API.</summary>
    public const string Api = "g-api";

    public const string Url = "http://127.0.0.1:9292";

    public override string Name => "Glance";

    public override IReadOnlyList<string> DevStackNames => [Api];

    public override IReadOnlyDictionary<string, string[]> DevStackGroups { get; } = One("glance", Api);

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = One(Api, "glance-api");

    /// <summary>
    /// python3-glance depends on boto3 for its S3 store, and botocore carries the JSON models of every AWS API (105 MB). The
    /// node's Glance uses the file store: boto3 and botocore still import (the S3 driver loads), only an S3 client could not be made.
    /// </summary>
    public override IReadOnlyList<string> PathFilters(CloudSettings settings) => settings.Has(Api)
        ? ["path-exclude /usr/lib/python3/dist-packages/botocore/data/*"]
        : [];

    public override IReadOnlyList<CloudService> Units { get; } = [new("glance-api", Api, "glance-api.service", 9292, "/", true)];

    public override IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) => [new("glance", "glance")];

    private static readonly KeystoneEntry Entry = new("glance", new CatalogEntry("glance", "image", "Image service", Url));

    public override IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings) => [Entry];

    public static readonly ConfigFile Config = new("/etc/glance/glance-api.conf", ["GLANCE_API_CONF"], [Api], s =>
    [
        ("DEFAULT", "enabled_backends", "fs:file"),
        ("DEFAULT", "workers", "0"), // 0: the API runs in glance-api's own process, no forked worker (README.md in this folder)
        ("database", "connection", MariaDbModule.ConnectionFor(s, "glance", "glance")),
        ("paste_deploy", "flavor", "keystone"),
        ("glance_store", "default_backend", "fs"),
        ("fs", "filesystem_store_datadir", "/var/lib/glance/images/"),
        ("oslo_concurrency", "lock_path", "/var/lib/glance/tmp"),
        .. KeystoneModule.AuthToken(s, "glance"),
    ]);

    public override IReadOnlyList<ConfigFile> ConfigFiles { get; } = [Config];

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => [GuestImageStep.BuildScript];

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new GlanceStep(), new GuestImageStep()];

    private sealed class GlanceStep : IProvisioningStep
    {
        public string Title => "Glance";

        public bool AppliesTo(CloudSettings settings) => settings.Has(Api);

        public async Task RunAsync(ProvisioningContext context)
        {
            await KeystoneModule.RegisterAsync(context, [Entry]);
            await context.ConfigureAsync(Config);
            await context.SetUwsgiWorkersAsync("/etc/glance/glance-api-uwsgi.ini", 1);
            await context.ShellAsync("Glance store directories", "install -d -o glance -g glance /var/lib/glance/images /var/lib/glance/tmp");
            await context.RunAsAsync("glance", "glance db sync", "glance-manage", "db_sync");
            await context.StartAsync("glance-api.service");
            await context.WaitForHttpAsync(Url + "/", "glance-api.service", TimeSpan.FromMinutes(2));
        }
    }
}
