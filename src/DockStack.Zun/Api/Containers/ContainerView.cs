using System.Text.Json.Nodes;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Api.Containers;

/// <summary>Zun's container view: every field always present (null when unset), admin-only keys removed for others.</summary>
public static class ContainerView
{
    public static JsonObject Render(Container c, ZunContext ctx, HttpRequest request)
    {
        var view = new JsonObject
        {
            ["uuid"] = c.Uuid,
            ["links"] = ZunResults.Links(request, "containers", c.Uuid),
            ["name"] = c.Name,
            ["image"] = c.Image,
            ["command"] = c.Command is null ? null : new JsonArray(c.Command.Select(x => (JsonNode?)x).ToArray()),
            ["entrypoint"] = c.Entrypoint is null ? null : new JsonArray(c.Entrypoint.Select(x => (JsonNode?)x).ToArray()),
            ["status"] = c.Status,
            ["status_reason"] = c.StatusReason,
            ["status_detail"] = c.StatusDetail,
            ["task_state"] = c.TaskState,
            ["cpu"] = JsonFloat.Of(c.Cpu),
            ["memory"] = c.Memory,
            ["disk"] = c.Disk,
            ["environment"] = Map(c.Environment),
            ["labels"] = Map(c.Labels),
            ["workdir"] = c.Workdir,
            ["ports"] = new JsonArray(c.Ports.Select(p => (JsonNode?)p).ToArray()),
            ["hostname"] = c.Hostname,
            ["addresses"] = c.Addresses.DeepClone(),
            ["restart_policy"] = c.RestartPolicy is null ? null : Map(c.RestartPolicy),
            ["interactive"] = c.Interactive,
            ["tty"] = c.Tty,
            ["image_driver"] = c.ImageDriver,
            ["security_groups"] = c.SecurityGroups is null ? null : new JsonArray(c.SecurityGroups.Select(x => (JsonNode?)x).ToArray()),
            ["auto_remove"] = c.AutoRemove,
            ["auto_heal"] = c.AutoHeal,
            ["healthcheck"] = c.Healthcheck?.DeepClone(),
            ["cpu_policy"] = c.CpuPolicy,
            ["registry_id"] = c.RegistryId,
            ["user_id"] = c.UserId,
            ["project_id"] = c.ProjectId,
            ["created_at"] = Times.Container(c.CreatedAt),
            ["updated_at"] = Times.Container(c.UpdatedAt),
        };
        if (Policy.Check(ctx, "container:get_one:host")) { view["host"] = c.Host; }
        if (Policy.Check(ctx, "container:get_one:image_pull_policy")) { view["image_pull_policy"] = c.ImagePullPolicy; }
        if (Policy.Check(ctx, "container:get_one:privileged")) { view["privileged"] = c.Privileged; }
        if (Policy.Check(ctx, "container:get_one:runtime")) { view["runtime"] = c.Runtime; }
        return view;
    }

    internal static JsonObject Map(Dictionary<string, string> map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map) { obj[k] = v; }
        return obj;
    }
}
