using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DockStack.Zun.Api.Resources;

/// <summary>Hosts (compute nodes, ≥1.4), zun services with up/down from heartbeats, and availability zones.</summary>
public static class InfraApi
{
    public static void MapInfra(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/hosts", HostsAsync);
        app.MapGet("/v1/hosts/{ident}", HostAsync);
        app.MapGet("/v1/services", ServicesAsync);
        app.MapDelete("/v1/services", DeleteServiceAsync);
        app.MapPut("/v1/services/{action}", ServiceActionAsync);
        app.MapGet("/v1/availability_zones", ZonesAsync);
    }

    private static JsonObject HostView(ComputeNode n, HttpContext http, ZunContext ctx)
    {
        var view = new JsonObject
        {
            ["uuid"] = n.Uuid,
            ["links"] = ZunResults.Links(http.Request, "hosts", n.Uuid),
            ["hostname"] = n.Hostname,
            ["mem_total"] = n.MemTotal,
            ["mem_used"] = n.MemUsed,
            ["cpus"] = n.Cpus,
            ["cpu_used"] = JsonFloat.Of(n.CpuUsed),
            ["disk_total"] = n.DiskTotal,
            ["disk_used"] = n.DiskUsed,
            ["total_containers"] = n.TotalContainers,
            ["architecture"] = n.Architecture,
            ["os_type"] = n.OsType,
            ["os"] = n.Os,
            ["kernel_version"] = n.KernelVersion,
            ["labels"] = new JsonObject(n.Labels.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["disk_quota_supported"] = n.DiskQuotaSupported,
            ["runtimes"] = new JsonArray(n.Runtimes.Select(r => (JsonNode?)r).ToArray()),
        };
        if (ctx.AtLeast(29)) { view["enable_cpu_pinning"] = n.EnableCpuPinning; }
        return view;
    }

    private static async Task<ContentHttpResult> HostsAsync(HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(4);
        Policy.Enforce(ctx, "host:get_all");
        var nodes = await store.NodesAsync(cancellationToken);
        return ZunResults.Json(new JsonObject
        {
            ["hosts"] = new JsonArray(nodes.Select(n => (JsonNode?)HostView(n, http, ctx)).ToArray()),
            ["next"] = null,
        });
    }

    private static async Task<ContentHttpResult> HostAsync(string ident, HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(4);
        Policy.Enforce(ctx, "host:get");
        var node = await store.NodeAsync(ident, cancellationToken) ?? throw new ComputeHostNotFound(ident);
        return ZunResults.Json(HostView(node, http, ctx));
    }

    private static async Task<ContentHttpResult> ServicesAsync(HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "zun-service:get_all");
        var services = await store.ServicesAsync(cancellationToken);
        return ZunResults.Json(new JsonObject
        {
            ["services"] = new JsonArray(services.Select(s => (JsonNode?)new JsonObject
            {
                ["id"] = s.Id,
                ["host"] = s.Host,
                ["binary"] = s.Binary,
                ["state"] = compute.IsUp(s) ? "up" : "down",
                ["disabled"] = s.Disabled,
                ["disabled_reason"] = s.DisabledReason,
                ["forced_down"] = s.ForcedDown,
                ["report_count"] = s.ReportCount,
                ["last_seen_up"] = Times.Iso(s.LastSeenUp),
                ["availability_zone"] = s.AvailabilityZone,
                ["created_at"] = Times.Iso(s.CreatedAt),
                ["updated_at"] = Times.Iso(s.UpdatedAt),
            }).ToArray()),
        });
    }

    private static async Task<ContentHttpResult> DeleteServiceAsync(HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "zun-service:delete");
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        var (host, binary) = (p.Required("host"), p.Required("binary"));
        var service = await store.ServiceAsync(host, binary, cancellationToken) ?? throw new ZunServiceNotFound(host, binary);
        await store.DeleteServiceAsync(service, cancellationToken);
        return ZunResults.Json(null, StatusCodes.Status200OK);
    }

    private static async Task<ContentHttpResult> ServiceActionAsync(string action, HttpContext http, ZunStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        if (action is not ("enable" or "disable" or "force_down")) { throw new ZunException(404, ZunFaults.ZunException, $"Unknown action {action}."); }
        Policy.Enforce(ctx, $"zun-service:{action}");
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        var (host, binary) = (p.Required("host"), p.Required("binary"));
        var service = await store.ServiceAsync(host, binary, cancellationToken) ?? throw new ZunServiceNotFound(host, binary);
        JsonObject view;
        if (action == "force_down")
        {
            service.ForcedDown = p.Bool("forced_down", true);
            view = new JsonObject { ["host"] = host, ["binary"] = binary, ["forced_down"] = service.ForcedDown };
        }
        else
        {
            service.Disabled = action == "disable";
            service.DisabledReason = service.Disabled ? p.String("disabled_reason") : null;
            view = new JsonObject { ["host"] = host, ["binary"] = binary, ["disabled"] = service.Disabled, ["disabled_reason"] = service.DisabledReason };
        }
        service.UpdatedAt = Times.Now(time);
        await store.SaveServiceAsync(service, cancellationToken);
        return ZunResults.Json(new JsonObject { ["service"] = view });
    }

    private static async Task<ContentHttpResult> ZonesAsync(HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "availability_zones:get_all");
        var zones = (await store.ServicesAsync(cancellationToken)).Select(s => s.AvailabilityZone).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return ZunResults.Json(new JsonObject
        {
            ["availability_zones"] = new JsonArray(zones.Select(z => (JsonNode?)new JsonObject { ["availability_zone"] = z }).ToArray()),
            ["next"] = null,
        });
    }

    internal static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
