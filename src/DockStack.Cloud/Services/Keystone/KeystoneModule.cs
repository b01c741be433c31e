using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.MariaDb;
using DockStack.Cloud.Services.Memcached;

namespace DockStack.Cloud.Services.Keystone;

/// <summary>Keystone like DevStack sets it up, and what every other service needs to authenticate against it.</summary>
public sealed class KeystoneModule : ServiceModule
{
    /// <summary>DevStack's name of Keystone.</summary>
    public const string Service = "key";

    public const string Url = "http://127.0.0.1:5000";

    public override string Name => "Keystone";

    public override IReadOnlyList<string> DevStackNames => [Service];

    public override IReadOnlyDictionary<string, string[]> DevStackGroups { get; } = One("keystone", Service);

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = One(Service, "keystone", "python3-memcache");

    public override IReadOnlyList<CloudService> Units { get; } = [new("keystone", Service, "keystone.service", 5000, "/v3", true)];

    public override IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) => [new("keystone", "keystone")];

    public static readonly ConfigFile Config = new("/etc/keystone/keystone.conf", ["KEYSTONE_CONF"], [Service], s =>
    [
        ("database", "connection", MariaDbModule.ConnectionFor(s, "keystone", "keystone")),
        ("token", "provider", "fernet"),
        // bcrypt cost 4 instead of 12: a password check takes ~1 ms instead of ~0.3 s of CPU, and every service
        // authenticates at boot. Only hashes written after this setting use it, so it is set before bootstrap.
        ("identity", "password_hash_rounds", "4"),
        ("cache", "enabled", "true"),
        ("cache", "backend", "dogpile.cache.memcached"),
        ("cache", "memcache_servers", MemcachedModule.Address),
    ]);

    public override IReadOnlyList<ConfigFile> ConfigFiles { get; } = [Config];

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new KeystoneStep()];

    /// <summary>A service's keystonemiddleware settings ([keystone_authtoken]).</summary>
    public static IEnumerable<(string, string, string)> AuthToken(CloudSettings s, string user, string section = "keystone_authtoken") =>
    [
        (section, "www_authenticate_uri", Url),
        (section, "auth_url", Url),
        (section, "memcached_servers", MemcachedModule.Address),
        .. ServiceAuth(s, section, user).Where(setting => setting.Item2 != "auth_url"),
    ];

    /// <summary>Service-to-service password auth ([placement], [neutron], [nova], [service_user]).</summary>
    public static IEnumerable<(string, string, string)> ServiceAuth(CloudSettings s, string section, string user) =>
    [
        (section, "auth_url", Url),
        (section, "auth_type", "password"),
        (section, "project_domain_name", "Default"),
        (section, "user_domain_name", "Default"),
        (section, "project_name", "service"),
        (section, "username", user),
        (section, "password", s.Passwords.Service),
        (section, "region_name", s.Region),
    ];

    /// <summary>Creates each entry's service user in the service project, with the admin and service roles as DevStack
    /// makes them, and registers its catalog entry.</summary>
    public static async Task RegisterAsync(ProvisioningContext context, IEnumerable<KeystoneEntry> entries)
    {
        var keystone = await context.KeystoneAsync();
        var ct = context.CancellationToken;
        foreach (var entry in entries)
        {
            var service = await keystone.EnsureProjectAsync("service", "Service projects", ct);
            var id = await keystone.EnsureUserAsync(entry.User, context.Settings.Passwords.Service, service, ct);
            await keystone.GrantAsync(service, id, await keystone.EnsureRoleAsync("admin", ct), ct);
            await keystone.GrantAsync(service, id, await keystone.EnsureRoleAsync("service", ct), ct);
            if (entry.Catalog is { } c)
            {
                await keystone.RegisterServiceAsync(c.Name, c.Type, c.Description, c.Url, context.Settings.Region, ct);
            }
        }
    }
}
