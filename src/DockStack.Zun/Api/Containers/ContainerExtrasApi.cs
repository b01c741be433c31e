using System.Text.Json.Nodes;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DockStack.Zun.Api.Containers;

/// <summary>Container actions history, legacy rename, resize_container, and the network/security-group calls (no Neutron here).</summary>
public static class ContainerExtrasApi
{
    public static void MapContainerExtras(this RouteGroupBuilder group)
    {
        group.MapGet("/{ident}/container_actions", ActionsAsync);
        group.MapGet("/{ident}/container_actions/{requestId}", ActionAsync);
        group.MapPost("/{ident}/rename", RenameAsync);
        group.MapPost("/{ident}/resize_container", ResizeContainerAsync);
        group.MapPost("/{ident}/add_security_group", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => NoNeutronAsync(ident, http, store, 1, 14, "add_security_group", ct));
        group.MapPost("/{ident}/remove_security_group", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => NoNeutronAsync(ident, http, store, 1, 14, "remove_security_group", ct));
        group.MapPost("/{ident}/network_detach", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => NoNeutronAsync(ident, http, store, 6, 40, "network_detach", ct));
        group.MapPost("/{ident}/network_attach", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => NoNeutronAsync(ident, http, store, 8, 40, "network_attach", ct));
        group.MapGet("/{ident}/network_list", NetworkListAsync);
    }

    private static async Task<ContentHttpResult> ActionsAsync(string ident, HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:actions", cancellationToken);
        var actions = await store.ActionsAsync(c.Uuid, cancellationToken);
        return ZunResults.Json(new JsonObject { ["containerActions"] = new JsonArray(actions.Select(a => (JsonNode?)View(a)).ToArray()) });
    }

    private static async Task<ContentHttpResult> ActionAsync(string ident, string requestId, HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:actions", cancellationToken);
        var action = await store.ActionAsync(c.Uuid, requestId, cancellationToken) ?? throw new ActionNotFound(requestId, c.Uuid);
        var view = View(action);
        var showTraceback = Policy.Check(ctx, "container:action:events");
        view["events"] = new JsonArray(action.Events.Select(e => (JsonNode?)new JsonObject
        {
            ["event"] = e.Event,
            ["start_time"] = Times.Iso(e.StartTime),
            ["finish_time"] = Times.Iso(e.FinishTime),
            ["result"] = e.Result,
            ["traceback"] = showTraceback ? e.Traceback : null,
        }).ToArray());
        return ZunResults.Json(view);
    }

    private static JsonObject View(ContainerAction a) => new()
    {
        ["action"] = a.Action,
        ["container_uuid"] = a.ContainerUuid,
        ["request_id"] = a.RequestId,
        ["user_id"] = a.UserId,
        ["project_id"] = a.ProjectId,
        ["start_time"] = Times.Iso(a.StartTime),
        ["finish_time"] = Times.Iso(a.FinishTime),
        ["message"] = a.Message,
    };

    private static async Task<ContentHttpResult> RenameAsync(string ident, HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(1, 13);
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        var name = Schema.String("name", JsonValue.Create(p.Required("name")), 2, 255, "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", nullable: false)!;
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:rename", cancellationToken);
        if (c.Name == name) { throw new Conflict("The new name for the container is the same as the old name."); }
        c.Name = name;
        await store.UpdateAsync(c, cancellationToken);
        return ZunResults.Json(ContainerView.Render(c, ctx, http.Request));
    }

    private static async Task<ContentHttpResult> ResizeContainerAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(19);
        var body = await RequestParams.ReadBodyAsync(http.Request, cancellationToken) as JsonObject ?? [];
        Schema.NoAdditional(body, ["cpu", "memory"]);
        double? cpu = body.ContainsKey("cpu") ? Schema.Number("cpu", body["cpu"], 0.1, 16) : null;
        int? memory = body.ContainsKey("memory") ? Schema.IntOrDigits("memory", body["memory"], 4, config.MaxMemory) : null;
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:resize_container", cancellationToken);
        ContainerLookup.CheckState(c, "resize_container");
        c = await ContainerResize.ApplyAsync(store, compute, config, ctx, c, ident, cpu, memory, null, cancellationToken);
        return ZunResults.Json(ContainerView.Render(c, ctx, http.Request), StatusCodes.Status202Accepted);
    }

    private static async Task<ContentHttpResult> NoNeutronAsync(string ident, HttpContext http, ZunStore store, int minMinor, int maxMinor, string action, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(minMinor, maxMinor);
        var c = await ContainerLookup.FindAsync(store, http, ident, $"container:{action}", cancellationToken);
        throw new Invalid(http.RequestServices.GetService<NeutronPorts>() is null
            ? $"{action} needs Neutron, which this service does not use ([network] driver is docker); containers join the engine's own network."
            : $"{action} is not available on this service yet; give the container's network when it is created (nets).");
    }

    private static async Task<ContentHttpResult> NetworkListAsync(string ident, HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(13);
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:network_list", cancellationToken);
        return ZunResults.Json(new JsonObject { ["networks"] = NetworkList(c.Addresses, ctx.AtLeast(18)) });
    }

    /// <summary>
    /// The container's ports from its <c>addresses</c>: from 1.18 one entry per port with its fixed IPs
    /// (<c>net_id, port_id, fixed_ips[{subnet_id, version, ip_address}]</c>), before it one flat entry per address.
    /// </summary>
    internal static JsonArray NetworkList(JsonObject addresses, bool perPort)
    {
        var list = new JsonArray();
        foreach (var (network, entries) in addresses)
        {
            var ips = (entries as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (!perPort)
            {
                foreach (var ip in ips)
                {
                    list.Add((JsonNode)new JsonObject
                    {
                        ["net_id"] = network, ["subnet_id"] = ip["subnet_id"]?.DeepClone(), ["port_id"] = ip["port"]?.DeepClone(),
                        ["version"] = ip["version"]?.DeepClone(), ["ip_address"] = ip["addr"]?.DeepClone(),
                    });
                }
                continue;
            }
            foreach (var port in ips.GroupBy(ip => ip["port"]?.ToString()))
            {
                list.Add((JsonNode)new JsonObject
                {
                    ["net_id"] = network,
                    ["port_id"] = port.Key,
                    ["fixed_ips"] = new JsonArray([.. port.Select(ip => (JsonNode?)new JsonObject
                    {
                        ["subnet_id"] = ip["subnet_id"]?.DeepClone(), ["version"] = ip["version"]?.DeepClone(), ["ip_address"] = ip["addr"]?.DeepClone(),
                    })]),
                });
            }
        }
        return list;
    }
}
