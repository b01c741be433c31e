using DockStack.Cloud.Provisioning.Api;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Services.Keystone;

/// <summary>Keystone like DevStack sets it up: bootstrap admin, RegionOne, service and demo projects, demo user.</summary>
public sealed class KeystoneStep : IProvisioningStep
{
    public string Title => "Keystone";

    public bool AppliesTo(CloudSettings settings) => settings.Has(DevStackServices.Keystone);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        await context.ConfigureAsync(ConfigFiles.Keystone, ServiceConfigs.KeystoneConf(s));
        await context.SetUwsgiWorkersAsync("/etc/keystone/keystone-uwsgi.ini", 1, 4);
        await context.RunAsAsync("keystone", "keystone db sync", "keystone-manage", "db_sync");
        await context.ShellAsync("Keystone key repositories", """
            keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
            keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
            """);
        await context.Node.RunAsync("keystone bootstrap",
        [
            "keystone-manage", "bootstrap", "--bootstrap-password", s.Passwords.Admin,
            "--bootstrap-admin-url", ServiceConfigs.Keystone + "/v3/",
            "--bootstrap-internal-url", ServiceConfigs.Keystone + "/v3/",
            "--bootstrap-public-url", ServiceConfigs.Keystone + "/v3/",
            "--bootstrap-region-id", s.Region,
        ], context.CancellationToken);
        // Files bootstrap wrote as root must stay readable by the service.
        await context.ShellAsync("Keystone file owners", "chown -R keystone:keystone /var/log/keystone /etc/keystone/fernet-keys /etc/keystone/credential-keys");
        await context.StartAsync("keystone.service");
        await context.WaitForHttpAsync(ServiceConfigs.Keystone + "/v3", "keystone.service", TimeSpan.FromMinutes(2));

        var keystone = context.Keystone = await KeystoneAdmin.LoginAsync(context.Node, s.Passwords.Admin, context.CancellationToken);
        var ct = context.CancellationToken;
        var admin = await keystone.EnsureRoleAsync("admin", ct);
        var member = await keystone.EnsureRoleAsync("member", ct);
        await keystone.EnsureRoleAsync("reader", ct);
        await keystone.EnsureRoleAsync("service", ct);
        await keystone.EnsureProjectAsync("service", "Service projects", ct);
        var demo = await keystone.EnsureProjectAsync("demo", "Demo project", ct);
        var demoUser = await keystone.EnsureUserAsync("demo", s.Passwords.Admin, demo, ct);
        await keystone.GrantAsync(demo, demoUser, member, ct);
        var adminUser = await keystone.EnsureUserAsync("admin", s.Passwords.Admin, null, ct);
        await keystone.GrantAsync(demo, adminUser, admin, ct);
    }

    /// <summary>A service user in the service project with the admin and service roles, as DevStack makes them.</summary>
    public static async Task CreateServiceUserAsync(ProvisioningContext context, string user)
    {
        var keystone = context.RequireKeystone();
        var ct = context.CancellationToken;
        var service = await keystone.EnsureProjectAsync("service", "Service projects", ct);
        var id = await keystone.EnsureUserAsync(user, context.Settings.Passwords.Service, service, ct);
        await keystone.GrantAsync(service, id, await keystone.EnsureRoleAsync("admin", ct), ct);
        await keystone.GrantAsync(service, id, await keystone.EnsureRoleAsync("service", ct), ct);
    }
}
