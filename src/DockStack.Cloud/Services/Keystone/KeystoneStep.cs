using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Keystone;

/// <summary>Keystone like DevStack sets it up: bootstrap admin, RegionOne, the service project, and DevStack's accounts.</summary>
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
        await keystone.EnsureRoleAsync("service", ct);
        await keystone.EnsureProjectAsync("service", "Service projects", ct);
        // DevStack's projects, users, roles and system-scope grants (the accounts its clouds.yaml entries name).
        await DevStackAccounts.CreateAsync(keystone, s.Passwords.Admin, ct);
    }
}
