using DockStack.Cloud.Provisioning.Api;

namespace DockStack.Cloud.Services.Keystone;

/// <summary>Where a role is held: on a project, or on the whole system (Keystone's system scope <c>all</c>).</summary>
public sealed record RoleGrant(string User, string? Project, string Role)
{
    public bool System => Project is null;
}

/// <summary>One <c>clouds.yaml</c> entry: a user and its scope (a project, or the system).</summary>
public sealed record CloudEntry(string Name, string User, string? Project)
{
    public bool System => Project is null;
}

/// <summary>
/// The projects, users, roles and <c>clouds.yaml</c> entries DevStack's <c>lib/keystone</c> and <c>write_clouds_yaml</c>
/// create, so tools written for DevStack find what they expect. Every user has the admin password, as in DevStack.
/// </summary>
public static class DevStackAccounts
{
    public const string Member = "member";
    public const string Reader = "reader";
    public const string Admin = "admin";
    public const string AnotherRole = "anotherrole";
    public const string ServiceRole = "service";


    /// <summary>Projects besides <c>admin</c> and <c>service</c> (which the Keystone bootstrap and the service users need).</summary>
    public static readonly IReadOnlyList<string> Projects = ["demo", "alt_demo", "invisible_to_admin"];

    /// <summary>Roles besides the bootstrap's admin, member and reader (where member implies reader).</summary>
    public static readonly IReadOnlyList<string> ExtraRoles = [AnotherRole, ServiceRole];

    /// <summary>Users besides admin, each created in the default domain with the admin password.</summary>
    public static readonly IReadOnlyList<string> Users = ["demo", "demo_reader", "alt_demo", "alt_demo_member", "alt_demo_reader", "system_member", "system_reader"];

    public static readonly IReadOnlyList<RoleGrant> Grants =
    [
        new("admin", "admin", Admin),
        new("admin", "demo", Admin),
        new("demo", "demo", Member),
        new("demo", "demo", AnotherRole),
        new("demo", "invisible_to_admin", Member),
        new("demo_reader", "demo", Reader),
        new("alt_demo", "alt_demo", Member),
        new("alt_demo", "alt_demo", AnotherRole),
        new("alt_demo_member", "alt_demo", Member),
        new("alt_demo_reader", "alt_demo", Reader),
        new("admin", null, Admin),
        new("system_member", null, Member),
        new("system_reader", null, Reader),
    ];

    /// <summary>DevStack's ten entries, in its order.</summary>
    public static readonly IReadOnlyList<CloudEntry> Clouds =
    [
        new("devstack", "demo", "demo"),
        new("devstack-admin", "admin", "admin"),
        new("devstack-admin-demo", "admin", "demo"),
        new("devstack-alt", "alt_demo", "alt_demo"),
        new("devstack-alt-member", "alt_demo_member", "alt_demo"),
        new("devstack-alt-reader", "alt_demo_reader", "alt_demo"),
        new("devstack-reader", "demo_reader", "demo"),
        new("devstack-system-admin", "admin", null),
        new("devstack-system-member", "system_member", null),
        new("devstack-system-reader", "system_reader", null),
    ];

    /// <summary>Creates what is missing of the above (idempotent: every call finds before it creates).</summary>
    public static async Task CreateAsync(KeystoneAdmin keystone, string password, CancellationToken ct)
    {
        var roles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in (string[])[Admin, Member, Reader, .. ExtraRoles])
        {
            roles[role] = await keystone.EnsureRoleAsync(role, ct);
        }
        var projects = new Dictionary<string, string>(StringComparer.Ordinal) { ["admin"] = await keystone.EnsureProjectAsync("admin", "Bootstrap project for initializing the cloud.", ct) };
        foreach (var project in Projects)
        {
            projects[project] = await keystone.EnsureProjectAsync(project, $"{project} project", ct);
        }
        var users = new Dictionary<string, string>(StringComparer.Ordinal) { ["admin"] = await keystone.EnsureUserAsync("admin", password, null, ct) };
        foreach (var user in Users)
        {
            var home = Grants.FirstOrDefault(g => g.User == user && g.Project is not null)?.Project;
            users[user] = await keystone.EnsureUserAsync(user, password, home is null ? null : projects[home], ct);
        }
        foreach (var grant in Grants)
        {
            if (grant.System)
            {
                await keystone.GrantSystemAsync(users[grant.User], roles[grant.Role], ct);
            }
            else
            {
                await keystone.GrantAsync(projects[grant.Project!], users[grant.User], roles[grant.Role], ct);
            }
        }
    }
}
