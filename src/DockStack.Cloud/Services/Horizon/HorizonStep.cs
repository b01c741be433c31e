using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Services.Horizon;

/// <summary>Horizon on Apache: a settings snippet that points it at Keystone on 127.0.0.1:5000 and accepts any host name.</summary>
public sealed class HorizonStep : IProvisioningStep
{
    public const string SettingsPath = "/etc/openstack-dashboard/local_settings.d/_9000_dockstack.py";

    public const string VhostPath = "/etc/apache2/sites-available/openstack-dashboard.conf";

    public string Title => "Horizon";

    public bool AppliesTo(CloudSettings settings) => settings.Has(DevStackServices.Horizon);

    public static string SettingsSnippet(CloudSettings s) => $$"""
        # dockstack: Horizon in a node, reached from the host through 127.0.0.1 (see DockStack's provisioning).
        ALLOWED_HOSTS = ['*']
        OPENSTACK_HOST = "127.0.0.1"
        OPENSTACK_KEYSTONE_URL = "{{ServiceConfigs.Keystone}}/v3"
        OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"
        OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = "Default"
        AVAILABLE_REGIONS = []
        SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'
        CACHES = {
            'default': {
                'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache',
                'LOCATION': '{{ServiceConfigs.Memcached}}',
            },
        }

        """;

    public async Task RunAsync(ProvisioningContext context)
    {
        await context.Node.WriteFilesAsync([NodeFile.Text(SettingsPath, SettingsSnippet(context.Settings))], context.CancellationToken);
        // Debian's vhost defines a daemon process but leaves WSGIProcessGroup commented out, so Horizon runs in a
        // sub-interpreter and every page fails with "PyO3 modules ... may only be initialized once per interpreter
        // process" (python3-cryptography). Run it in its daemon, in the main interpreter.
        await context.ShellAsync("Horizon's WSGI process group", $$"""
            f={{VhostPath}}
            grep -q '^ *WSGIApplicationGroup' "$f" || sed -i -E 's|^\s*#?WSGIProcessGroup .*|    WSGIProcessGroup horizon\n    WSGIApplicationGroup %{GLOBAL}|' "$f"
            grep -q '^ *WSGIApplicationGroup' "$f"
            """);
        await context.StartAsync("apache2.service");
        await context.RestartAsync("apache2.service");
        await context.WaitForHttpAsync("http://127.0.0.1/auth/login/", "apache2.service", TimeSpan.FromMinutes(3));
    }
}
