namespace DockStack.Zun.Api;

/// <summary>Zun's default policy rules (in code upstream): admin_or_owner, admin_api, deny_everybody.</summary>
public static class Policy
{
    private enum Rule { AdminOrOwner, AdminApi, DenyEverybody }

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
        ["quota:update"] = Rule.AdminApi,
        ["quota:delete"] = Rule.AdminApi,
        ["quota_class:get"] = Rule.AdminApi,
        ["quota_class:update"] = Rule.AdminApi,
    };

    /// <summary>True when the rule allows the caller on a target owned by <paramref name="targetProjectId"/> (default: the caller's project).</summary>
    public static bool Check(ZunContext context, string action, string? targetProjectId = null)
    {
        var rule = Rules.TryGetValue(action, out var r) ? r : Rule.AdminOrOwner;
        return rule switch
        {
            Rule.DenyEverybody => false,
            Rule.AdminApi => context.IsAdmin,
            _ => context.IsAdmin || string.Equals(targetProjectId ?? context.ProjectId, context.ProjectId, StringComparison.Ordinal),
        };
    }

    public static void Enforce(ZunContext context, string action, string? targetProjectId = null)
    {
        if (!Check(context, action, targetProjectId))
        {
            throw new PolicyNotAuthorized(action);
        }
    }
}
