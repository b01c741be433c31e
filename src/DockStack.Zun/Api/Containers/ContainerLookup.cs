using System.Text.RegularExpressions;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Api.Containers;

/// <summary>
/// Finds <c>{container_ident}</c> as Zun's get_resource does: a uuid-looking ident by uuid, anything else by exact name.
/// The lookup is scoped to the caller's project, an admin's too; only <c>all_projects=true</c> (admin only) looks across
/// projects. Another project's container is 404, and so is a capsule's member: as in Zun, a capsule's containers are
/// the capsule's, shown and deleted through it.
/// </summary>
public static partial class ContainerLookup
{
    /// <summary>
    /// The container the caller may run <paramref name="action"/> (a policy rule such as <c>container:start</c>) on:
    /// the rule first against the caller's own project (so a token without a project scope, or without the role, is
    /// 403 before anything is looked up), then <c>all_projects</c> from the query, the lookup, and the rule against
    /// the container's project.
    /// </summary>
    public static async Task<Container> FindAsync(ZunStore store, HttpContext http, string ident, string action, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, action);
        var allProjects = AllProjects(http.Request);
        if (allProjects)
        {
            Policy.Enforce(ctx, action == "container:delete" ? "container:delete_all_projects" : "container:get_one_all_projects");
        }
        var c = await FindAsync(store, allProjects ? null : ctx.ProjectId, ident, cancellationToken);
        Policy.Enforce(ctx, action, c.ProjectId);
        return c;
    }

    /// <summary>The query's <c>all_projects</c> (a boolean_extended value; absent is false).</summary>
    public static bool AllProjects(HttpRequest request)
    {
        var text = request.Query["all_projects"].ToString();
        if (text.Length == 0) { return false; }
        return BoolParser.TryParse(text) ?? throw RequestParams.NotABool("all_projects", DockerReference.Printable(text));
    }

    /// <summary>By uuid or name within <paramref name="projectId"/> (null: every project).</summary>
    internal static async Task<Container> FindAsync(ZunStore store, string? projectId, string ident, CancellationToken cancellationToken)
    {
        if (UuidLike().IsMatch(ident))
        {
            var c = await store.GetContainerAsync(ident.ToLowerInvariant(), cancellationToken);
            if (c is not null && c.CapsuleId is null && (projectId is null || c.ProjectId == projectId)) { return c; }
            throw new ContainerNotFound(ident);
        }
        var matches = (await store.FindByNameAsync(ident, projectId, cancellationToken)).Where(c => c.CapsuleId is null).ToList();
        return matches.Count switch
        {
            0 => throw new ContainerNotFound(ident),
            1 => matches[0],
            _ => throw new Conflict("Multiple containers exist with same name. Please use the container uuid instead."),
        };
    }

    /// <summary>409 unless the container's status allows the action (Zun's VALID_STATES).</summary>
    public static void CheckState(Container c, string action)
    {
        if (!ValidStates.TryGetValue(action, out var allowed) || !allowed.Contains(c.Status))
        {
            throw new InvalidStateException(action, c.Uuid, c.Status);
        }
    }

    /// <summary>409 while another lifecycle action is in flight on the container (its task_state is set): one at a time.</summary>
    public static void CheckIdle(Container c, string action)
    {
        if (c.TaskState is { } inFlight)
        {
            throw new InvalidStateException(action, c.Uuid, inFlight);
        }
    }

    private static readonly string[] AnyStateWithAGuest = [ContainerStatus.Created, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Paused,
        ContainerStatus.Restarting, ContainerStatus.Error, ContainerStatus.Unknown, ContainerStatus.Dead];

    private static readonly Dictionary<string, string[]> ValidStates = new(StringComparer.Ordinal)
    {
        ["start"] = [ContainerStatus.Created, ContainerStatus.Stopped, ContainerStatus.Error],
        ["stop"] = [ContainerStatus.Running],
        ["pause"] = [ContainerStatus.Running],
        ["kill"] = [ContainerStatus.Running],
        ["execute"] = [ContainerStatus.Running],
        ["execute_resize"] = [ContainerStatus.Running],
        ["attach"] = [ContainerStatus.Running],
        ["resize"] = [ContainerStatus.Running],
        ["top"] = [ContainerStatus.Running],
        ["stats"] = [ContainerStatus.Running],
        ["unpause"] = [ContainerStatus.Paused],
        ["reboot"] = [ContainerStatus.Created, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Error],
        ["rebuild"] = [ContainerStatus.Created, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Error],
        ["delete"] = [ContainerStatus.Created, ContainerStatus.Error, ContainerStatus.Stopped, ContainerStatus.Deleted, ContainerStatus.Dead],
        ["delete_force"] = [ContainerStatus.Created, ContainerStatus.Creating, ContainerStatus.Error, ContainerStatus.Running, ContainerStatus.Stopped,
            ContainerStatus.Unknown, ContainerStatus.Deleted, ContainerStatus.Dead, ContainerStatus.Restarting, ContainerStatus.Rebuilding, ContainerStatus.Deleting],
        ["delete_after_stop"] = [ContainerStatus.Running, ContainerStatus.Created, ContainerStatus.Error, ContainerStatus.Stopped, ContainerStatus.Deleted, ContainerStatus.Dead],
        ["update"] = [ContainerStatus.Created, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Paused],
        ["resize_container"] = [ContainerStatus.Created, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Paused],
        ["commit"] = [ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Paused],
        ["get_archive"] = [ContainerStatus.Created, ContainerStatus.Paused, ContainerStatus.Running, ContainerStatus.Stopped],
        ["put_archive"] = [ContainerStatus.Created, ContainerStatus.Paused, ContainerStatus.Running, ContainerStatus.Stopped],
        ["logs"] = [ContainerStatus.Created, ContainerStatus.Error, ContainerStatus.Paused, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Unknown],
        // Zun checks no state for these; a container being made, rebuilt or deleted has no engine container to connect.
        ["network_attach"] = AnyStateWithAGuest,
        ["network_detach"] = AnyStateWithAGuest,
        ["add_security_group"] = [ContainerStatus.Created, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Paused],
        ["remove_security_group"] = [ContainerStatus.Created, ContainerStatus.Running, ContainerStatus.Stopped, ContainerStatus.Paused],
    };

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    internal static partial Regex UuidLike();
}
