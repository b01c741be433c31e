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

/// <summary>Container actions history, legacy rename, resize_container, and the network and security-group calls.</summary>
public static class ContainerExtrasApi
{
    public static void MapContainerExtras(this RouteGroupBuilder group)
    {
        group.MapGet("/{ident}/container_actions", ActionsAsync);
        group.MapGet("/{ident}/container_actions/{requestId}", ActionAsync);
        group.MapPost("/{ident}/rename", RenameAsync);
        group.MapPost("/{ident}/resize_container", ResizeContainerAsync);
        group.MapPost("/{ident}/add_security_group", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => SecurityGroupAsync(ident, http, store, add: true, ct));
        group.MapPost("/{ident}/remove_security_group", (string ident, HttpContext http, ZunStore store, CancellationToken ct) => SecurityGroupAsync(ident, http, store, add: false, ct));
        group.MapPost("/{ident}/network_detach", NetworkDetachAsync);
        group.MapPost("/{ident}/network_attach", NetworkAttachAsync);
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

    /// <summary>
    /// <c>network_attach</c> (1.8): a network (id or name, with <c>fixed_ip</c>) or a port, checked against Neutron as
    /// create's <c>nets</c> is; 400 when the container is on that network already. Cast to the container's host; 200 with
    /// no body, as Zun answers (its api-ref says 202).
    /// </summary>
    private static async Task<ContentHttpResult> NetworkAttachAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var ports = NeutronOf(http, 8, "network_attach");
        await ContainerActionsApi.CastAsync(ident, http, store, compute, "network_attach", null,
            p =>
            {
                var (v4, v6) = FixedIp(p);
                return ContainerCreateParser.Network(p.String("network"), p.String("port"), v4, v6);
            },
            (c, wanted) => new AttachNetwork(c.Uuid, wanted.Network, wanted.Port, wanted.V4FixedIp, wanted.V6FixedIp), cancellationToken,
            async (ctx, c, wanted) =>
            {
                var network = await ports.ValidateEntryAsync(wanted, c.ProjectId, ctx.IsAdmin, cancellationToken);
                if (c.Addresses.ContainsKey(network)) { throw new Invalid($"Container {c.Uuid} is already attached to network {network}."); }
            });
        return ZunResults.Null(StatusCodes.Status200OK);
    }

    /// <summary><c>network_detach</c> (1.6; <c>port</c> from 1.17): exactly one of a network (id or name) the container is on
    /// or one of its ports; 400 when the container is not on it. Cast to the container's host; 202.</summary>
    private static Task<ContentHttpResult> NetworkDetachAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var ports = NeutronOf(http, 6, "network_detach");
        var detached = "";
        return ContainerActionsApi.CastAsync(ident, http, store, compute, "network_detach", null,
            p =>
            {
                var (network, port) = (p.String("network"), http.Zun().AtLeast(17) ? p.String("port") : null);
                return (network is null) != (port is null) ? (Network: network, Port: port) : throw new Invalid("Give a network or a port (one of them).");
            },
            (c, _) => new DetachNetwork(c.Uuid, detached), cancellationToken,
            async (ctx, c, a) =>
            {
                detached = a.Port is { } port
                    ? c.Addresses.Where(n => (n.Value as JsonArray ?? []).Any(e => e?["port"]?.ToString() == port)).Select(n => n.Key).FirstOrDefault()
                        ?? throw new Invalid($"Container {c.Uuid} has no port {port}.")
                    : c.Addresses.ContainsKey(a.Network!) ? a.Network! : await ports.NetworkIdAsync(a.Network!, c.ProjectId, ctx.IsAdmin, cancellationToken);
                if (!c.Addresses.ContainsKey(detached)) { throw new Invalid($"Container {c.Uuid} is not attached to network {a.Network}."); }
            });
    }

    /// <summary>
    /// The legacy <c>add_security_group</c> / <c>remove_security_group</c> (1.1-1.14; the group by name or id in <c>name</c>):
    /// the group is added to (or taken from) every port of the container and to its <c>security_groups</c>. Done here,
    /// at once: only Neutron changes. 202 with no body.
    /// </summary>
    private static async Task<ContentHttpResult> SecurityGroupAsync(string ident, HttpContext http, ZunStore store, bool add, CancellationToken cancellationToken)
    {
        var action = add ? "add_security_group" : "remove_security_group";
        var ctx = http.Zun();
        ctx.RequireVersion(1, 14);
        var ports = NeutronOf(http, 1, action);
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        var name = Schema.String("name", JsonValue.Create(p.Required("name")), 1, 255, nullable: false)!;
        var c = await ContainerLookup.FindAsync(store, http, ident, $"container:{action}", cancellationToken);
        ContainerLookup.CheckState(c, action);
        ContainerLookup.CheckIdle(c, action);
        await ports.ChangeSecurityGroupAsync(c, name, add, cancellationToken);
        await store.UpdateAsync(c, cancellationToken);
        return ZunResults.Null();
    }

    /// <summary><c>fixed_ip</c> as an IPv4 or an IPv6 address (the other null); 400 when it is neither.</summary>
    private static (string? V4, string? V6) FixedIp(RequestParams p) => p.String("fixed_ip") switch
    {
        null => (null, null),
        var ip when System.Net.IPAddress.TryParse(ip, out var parsed) => parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? (null, ip) : (ip, null),
        var bad => throw new InvalidValue($"Invalid fixed_ip: {bad} is not an IP address."),
    };

    /// <summary>The Neutron side of the container service, after the microversion check; 400 when it uses no Neutron.</summary>
    private static NeutronPorts NeutronOf(HttpContext http, int minMinor, string action)
    {
        http.Zun().RequireVersion(minMinor);
        return http.RequestServices.GetService<NeutronPorts>()
            ?? throw new Invalid($"{action} needs Neutron, which this service does not use ([network] driver is docker); containers join the engine's own network.");
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
