using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.Keystone;

namespace DockStack.Cloud.Services.Glance;

/// <summary>Glance with the file store.</summary>
public sealed class GlanceStep : IProvisioningStep
{
    public string Title => "Glance";

    public bool AppliesTo(CloudSettings settings) => settings.Has(DevStackServices.GlanceApi);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        await KeystoneStep.CreateServiceUserAsync(context, "glance");
        await context.RequireKeystone().RegisterServiceAsync("glance", "image", "Image service", "http://127.0.0.1:9292", s.Region, context.CancellationToken);
        await context.ConfigureAsync(ConfigFiles.GlanceApi, ServiceConfigs.GlanceConf(s));
        await context.SetUwsgiWorkersAsync("/etc/glance/glance-api-uwsgi.ini", 1);
        await context.ShellAsync("Glance store directories", "install -d -o glance -g glance /var/lib/glance/images /var/lib/glance/tmp");
        await context.RunAsAsync("glance", "glance db sync", "glance-manage", "db_sync");
        await context.StartAsync("glance-api.service");
        await context.WaitForHttpAsync("http://127.0.0.1:9292/", "glance-api.service", TimeSpan.FromMinutes(2));
    }
}

/// <summary>Placement.</summary>
public sealed class PlacementStep : IProvisioningStep
{
    public string Title => "Placement";

    public bool AppliesTo(CloudSettings settings) => settings.Has(DevStackServices.PlacementApi);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        await KeystoneStep.CreateServiceUserAsync(context, "placement");
        await context.RequireKeystone().RegisterServiceAsync("placement", "placement", "Placement API", "http://127.0.0.1:8778", s.Region, context.CancellationToken);
        await context.ConfigureAsync(ConfigFiles.Placement, ServiceConfigs.PlacementConf(s));
        await context.SetUwsgiWorkersAsync("/etc/placement/placement-api-uwsgi.ini", 1, 4);
        await context.RunAsAsync("placement", "placement db sync", "placement-manage", "db", "sync");
        await context.StartAsync("placement-api.service");
        await context.WaitForHttpAsync("http://127.0.0.1:8778/", "placement-api.service", TimeSpan.FromMinutes(2));
    }
}
