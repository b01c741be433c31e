namespace DockStack.Zun.Api;

/// <summary>
/// Zun's default policy rules (in code upstream): admin_or_owner, admin_api, deny_everybody, with the token's scope and
/// roles checked as well: a rule passes only for a project-scoped token; admin_or_owner needs the role
/// <c>member</c> in the token's project (or <c>admin</c>), or <c>reader</c> for the reads of <see cref="ReadRules"/>.
/// A system-scoped token passes admin_api rules with the <c>admin</c> role (as Zun's <c>role:admin</c> does) and
/// nothing else: the container, quota and availability-zone calls belong to a project. Domain-scoped and unscoped
/// tokens pass nothing (403).
/// </summary>
public static class Policy
{
    private enum Rule { AdminOrOwner, AdminApi, DenyEverybody }

    /// <summary>The admin_or_owner rules that only read: a <c>reader</c> passes them.</summary>
    private static readonly HashSet<string> ReadRules = new(StringComparer.Ordinal)
    {
        "container:get_all", "container:get_one", "container:logs", "container:top", "container:stats", "container:get_archive",
        "container:actions", "container:network_list", "availability_zones:get_all", "quota:get", "quota:get_default", "image:search",
        "capsule:get", "capsule:get_all",
    };

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["container:get_all_all_projects"] = Rule.AdminApi,
        ["container:get_one_all_projects"] = Rule.AdminApi,
        ["container:delete_all_projects"] = Rule.AdminApi,
        ["container:delete_force"] = Rule.AdminApi,
        ["container:create:runtime"] = Rule.AdminApi,
        ["container:create:requested_destination"] = Rule.AdminApi,
        ["container:create:image_pull_policy"] = Rule.AdminApi,
        ["container:create:privileged"] = Rule.DenyEverybody,
        ["container:get_one:host"] = Rule.AdminApi,
        ["container:get_one:image_pull_policy"] = Rule.AdminApi,
        ["container:get_one:privileged"] = Rule.AdminApi,
        ["container:get_one:runtime"] = Rule.AdminApi,
        ["container:action:events"] = Rule.AdminApi,
        ["image:pull"] = Rule.AdminApi,
        ["image:get_all"] = Rule.AdminApi,
        ["image:get_one"] = Rule.AdminApi,
        ["image:delete"] = Rule.AdminApi,
        ["host:get_all"] = Rule.AdminApi,
        ["host:get"] = Rule.AdminApi,
        ["zun-service:get_all"] = Rule.AdminApi,
        ["zun-service:delete"] = Rule.AdminApi,
        ["zun-service:enable"] = Rule.AdminApi,
        ["zun-service:disable"] = Rule.AdminApi,
        ["zun-service:force_down"] = Rule.AdminApi,
        ["capsule:get_all_all_projects"] = Rule.AdminApi,
        ["capsule:get_one_all_projects"] = Rule.AdminApi,
        ["capsule:delete_all_projects"] = Rule.AdminApi,
        ["capsule:get:host"] = Rule.AdminApi,
        ["quota:update"] = Rule.AdminApi,
        ["quota:delete"] = Rule.AdminApi,
        ["quota_class:get"] = Rule.AdminApi,
        ["quota_class:update"] = Rule.AdminApi,
    };

    /// <summary>True when the rule allows the caller on a target owned by <paramref name="targetProjectId"/> (default: the caller's project).</summary>
    public static bool Check(ZunContext context, string action, string? targetProjectId = null)
    {
        var rule = Rules.TryGetValue(action, out var r) ? r : Rule.AdminOrOwner;
        if (rule == Rule.DenyEverybody) { return false; }
        if (context.Scope == TokenScope.System) { return rule == Rule.AdminApi && context.IsAdmin; }
        if (!context.IsProjectScoped) { return false; }
        if (context.IsAdmin) { return true; }
        if (rule == Rule.AdminApi) { return false; }
        var reads = ReadRules.Contains(action) || action.StartsWith("container:get_one:", StringComparison.Ordinal); // list filters
        var roleHeld = context.HasRole("member") || (reads && context.HasRole("reader"));
        return roleHeld && string.Equals(targetProjectId ?? context.ProjectId, context.ProjectId, StringComparison.Ordinal);
    }

    public static void Enforce(ZunContext context, string action, string? targetProjectId = null)
    {
        if (!Check(context, action, targetProjectId))
        {
            throw new PolicyNotAuthorized(action);
        }
    }
}
