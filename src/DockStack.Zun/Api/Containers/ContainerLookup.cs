using System.Text.RegularExpressions;
using DockStack.Zun.Data;

namespace DockStack.Zun.Api.Containers;

/// <summary>
/// Finds <c>{container_ident}</c> as Zun's get_resource does: a uuid-looking ident by uuid, anything else by exact name;
/// scoped to the caller's project unless the caller is admin; another project's container is 404.
/// </summary>
public static partial class ContainerLookup
{
    public static async Task<Container> FindAsync(ZunStore store, ZunContext ctx, string ident, CancellationToken cancellationToken)
    {
        var scope = ctx.IsAdmin ? null : ctx.ProjectId;
        if (UuidLike().IsMatch(ident))
        {
            var c = await store.GetContainerAsync(ident.ToLowerInvariant(), cancellationToken);
            if (c is not null && (scope is null || c.ProjectId == scope)) { return c; }
            throw new ContainerNotFound(ident);
        }
        var matches = await store.FindByNameAsync(ident, scope, cancellationToken);
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
    };

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    private static partial Regex UuidLike();
}
