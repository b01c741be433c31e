using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Keystone;

/// <summary>Keystone like DevStack sets it up: bootstrap admin, RegionOne, service and demo projects, demo user.</summary>
internal sealed class KeystoneStep : IProvisioningStep
{
    public string Title => "Keystone";

    public bool AppliesTo(CloudSettings settings) => settings.Has(KeystoneModule.Service);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        await context.ConfigureAsync(KeystoneModule.Config);
        await context.SetUwsgiWorkersAsync("/etc/keystone/keystone-uwsgi.ini", 1, 4);
        await context.RunAsAsync("keystone", "keystone db sync", "keystone-manage", "db_sync");
        await context.ScriptAsync("Keystone key repositories", "Services/Keystone/Scripts/key-repositories.sh");
        await context.Node.RunAsync("keystone bootstrap",
        [
            "keystone-manage", "bootstrap", "--bootstrap-password", s.Passwords.Admin,
            "--bootstrap-admin-url", KeystoneModule.Url + "/v3/",
            "--bootstrap-internal-url", KeystoneModule.Url + "/v3/",
            "--bootstrap-public-url", KeystoneModule.Url + "/v3/",
            "--bootstrap-region-id", s.Region,
        ], context.CancellationToken);
        // Files bootstrap wrote as root must stay readable by the service.
        await context.ShellAsync("Keystone file owners", "chown -R keystone:keystone /var/log/keystone /etc/keystone/fernet-keys /etc/keystone/credential-keys");
        await context.StartAsync("keystone.service");
        await context.WaitForHttpAsync(KeystoneModule.Url + "/v3", "keystone.service", TimeSpan.FromMinutes(2));

        var keystone = await context.KeystoneAsync();
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
}
