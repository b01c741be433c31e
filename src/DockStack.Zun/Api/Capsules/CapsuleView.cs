using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Api.Capsules;

/// <summary>
/// Zun's capsule view. From 1.32: name, labels, the containers' views (without links), init_containers (1.34) and
/// annotations (1.38); before 1.32 the legacy keys meta_name, meta_labels, containers_uuids, init_containers_uuids,
/// volumes_info and capsule_version. The addresses are the sandbox's; host is for admins only.
/// </summary>
public static partial class CapsuleView
{
    public static JsonObject Render(Capsule capsule, IReadOnlyList<Container> members, ZunContext ctx, HttpRequest request)
    {
        var byUuid = members.ToDictionary(m => m.Uuid, StringComparer.Ordinal);
        JsonArray Views(IEnumerable<string> uuids) => new(uuids.Where(byUuid.ContainsKey).Select(u => (JsonNode?)Member(byUuid[u], ctx, request)).ToArray());
        var sandbox = byUuid.GetValueOrDefault(capsule.SandboxUuid);
        var view = new JsonObject
        {
            ["uuid"] = capsule.Uuid,
            ["links"] = ZunResults.Links(request, "capsules", capsule.Uuid),
            ["user_id"] = capsule.UserId,
            ["project_id"] = capsule.ProjectId,
            ["created_at"] = Times.Container(capsule.CreatedAt),
            ["updated_at"] = Times.Container(capsule.UpdatedAt),
            ["addresses"] = sandbox?.Addresses.DeepClone() ?? new JsonObject(),
            ["status"] = StatusOf(capsule, members),
            ["status_reason"] = capsule.StatusReason,
            ["restart_policy"] = ContainerView.Map(capsule.RestartPolicy),
        };
        if (ctx.AtLeast(32))
        {
            view["name"] = capsule.Name;
            view["labels"] = ContainerView.Map(capsule.Labels);
            if (ctx.AtLeast(38)) { view["annotations"] = ContainerView.Map(capsule.Annotations); }
        }
        else
        {
            view["meta_name"] = capsule.Name;
            view["meta_labels"] = ContainerView.Map(capsule.Labels);
            view["volumes_info"] = new JsonObject();
            view["capsule_version"] = capsule.CapsuleVersion;
            view["containers_uuids"] = new JsonArray(new[] { capsule.SandboxUuid }.Concat(capsule.InitContainerUuids).Concat(capsule.ContainerUuids).Select(u => (JsonNode?)u).ToArray());
            if (ctx.AtLeast(34)) { view["init_containers_uuids"] = new JsonArray(capsule.InitContainerUuids.Select(u => (JsonNode?)u).ToArray()); }
        }
        view["memory"] = capsule.Memory;
        view["cpu"] = JsonFloat.Of(capsule.Cpu);
        view["containers"] = Views(capsule.ContainerUuids);
        if (ctx.AtLeast(34)) { view["init_containers"] = Views(capsule.InitContainerUuids); }
        if (Policy.Check(ctx, "capsule:get:host")) { view["host"] = capsule.Host; }
        return view;
    }

    /// <summary>A member's container view, as Zun shows it inside a capsule: without links.</summary>
    private static JsonObject Member(Container c, ZunContext ctx, HttpRequest request)
    {
        var view = ContainerView.Render(c, ctx, request);
        view.Remove("links");
        return view;
    }

    /// <summary>
    /// The capsule's phase from its members: Failed when one is in Error (or an init container or, with every container
    /// stopped, a container exited non-zero); Pending while it is being made; Running while a container runs; Succeeded
    /// when every container exited 0; Unknown otherwise (no members left, or a state in between).
    /// </summary>
    public static string StatusOf(Capsule capsule, IReadOnlyList<Container> members)
    {
        if (members.Any(m => m.Status == ContainerStatus.Error)) { return CapsuleStatus.Failed; }
        var containers = members.Where(m => capsule.ContainerUuids.Contains(m.Uuid)).ToList();
        var inits = members.Where(m => capsule.InitContainerUuids.Contains(m.Uuid)).ToList();
        if (inits.Any(m => m.Status == ContainerStatus.Stopped && ExitCode(m) is not 0)) { return CapsuleStatus.Failed; }
        if (capsule.TaskState == ContainerTaskState.Creating || members.Any(m => m.Status is ContainerStatus.Creating or ContainerStatus.Created))
        {
            return CapsuleStatus.Pending;
        }
        if (containers.Count == 0) { return CapsuleStatus.Unknown; }
        if (containers.Any(m => m.Status is ContainerStatus.Running or ContainerStatus.Restarting or ContainerStatus.Paused)) { return CapsuleStatus.Running; }
        if (containers.All(m => m.Status == ContainerStatus.Stopped))
        {
            return containers.All(m => ExitCode(m) is 0) ? CapsuleStatus.Succeeded : CapsuleStatus.Failed;
        }
        return CapsuleStatus.Unknown;
    }

    /// <summary>The exit code in a stopped container's status_detail (<c>Exited(0) 2 mins ago </c>); null when it has none.</summary>
    public static int? ExitCode(Container c) =>
        c.StatusDetail is { } detail && ExitedPattern().Match(detail) is { Success: true } m ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^Exited\((-?\d+)\)")]
    private static partial Regex ExitedPattern();
}
