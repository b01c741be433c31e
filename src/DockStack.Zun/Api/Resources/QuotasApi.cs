using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DockStack.Zun.Api.Resources;

/// <summary>Quotas (≥1.26) and quota classes: project limits over class "default" over the [quota] defaults; -1 is unlimited.</summary>
public static class QuotasApi
{
    private static readonly string[] ResourceNames = ["containers", "memory", "cpu", "disk"];

    public static void MapQuotas(this IEndpointRouteBuilder app)
    {
        var quotas = app.MapGroup("/v1/quotas");
        quotas.MapGet("/{projectId}", GetAsync);
        quotas.MapGet("/{projectId}/defaults", GetDefaultsAsync);
        quotas.MapPut("/{projectId}", UpdateAsync);
        quotas.MapDelete("/{projectId}", DeleteAsync);
        var classes = app.MapGroup("/v1/quota_classes");
        classes.MapGet("/{name}", GetClassAsync);
        classes.MapPut("/{name}", UpdateClassAsync);
    }

    public static async Task<Dictionary<string, int>> DefaultsAsync(ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var q = config.DefaultQuota;
        var limits = new Dictionary<string, int> { ["containers"] = q.Containers, ["memory"] = q.Memory, ["cpu"] = q.Cpu, ["disk"] = q.Disk };
        foreach (var (k, v) in await store.QuotaClassAsync("default", cancellationToken)) { limits[k] = v; }
        return limits;
    }

    public static async Task<Dictionary<string, int>> LimitsAsync(ZunStore store, ZunConfig config, string projectId, CancellationToken cancellationToken)
    {
        var limits = await DefaultsAsync(store, config, cancellationToken);
        foreach (var (k, v) in await store.QuotasAsync(projectId, cancellationToken)) { limits[k] = v; }
        return limits;
    }

    /// <summary>403 OverQuota when adding the deltas would pass a limit.</summary>
    public static async Task CheckAsync(ZunStore store, ZunConfig config, string projectId, int containers, double cpu, long memory, long disk, CancellationToken cancellationToken) =>
        ThrowIfOver(await LimitsAsync(store, config, projectId, cancellationToken), await store.UsageAsync(projectId, cancellationToken), containers, cpu, memory, disk);

    /// <summary>
    /// Stores a new container only if it fits its project's quotas (403 OverQuota otherwise), checked against the usage
    /// counted under the store's per-project lock: creates that arrive together cannot all pass on the same count.
    /// </summary>
    public static async Task InsertWithinQuotaAsync(ZunStore store, ZunConfig config, Container c, CancellationToken cancellationToken)
    {
        var limits = await LimitsAsync(store, config, c.ProjectId, cancellationToken);
        var memory = long.Parse(c.Memory!, CultureInfo.InvariantCulture);
        await store.InsertWithinQuotaAsync(c, used => ThrowIfOver(limits, used, 1, c.Cpu, memory, c.Disk ?? 0), cancellationToken);
    }

    /// <summary>403 OverQuota naming each resource whose positive delta, added to what is in use, would pass its limit.</summary>
    public static void ThrowIfOver(Dictionary<string, int> limits, ProjectUsage used, int containers, double cpu, long memory, long disk)
    {
        var over = new List<string>();
        void Check(string name, double delta, double inUse)
        {
            if (delta > 0 && limits[name] >= 0 && inUse + delta > limits[name]) { over.Add(name); }
        }
        Check("containers", containers, used.Containers);
        Check("cpu", cpu, used.Cpu);
        Check("memory", memory, used.Memory);
        Check("disk", disk, used.Disk);
        if (over.Count > 0) { throw new OverQuota(over); }
    }

    private static JsonObject View(Dictionary<string, int> limits)
    {
        var obj = new JsonObject();
        foreach (var r in ResourceNames) { obj[r] = limits[r]; }
        return obj;
    }

    private static async Task<ContentHttpResult> GetAsync(string projectId, HttpContext http, ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(26);
        Policy.Enforce(ctx, "quota:get", projectId);
        var limits = await LimitsAsync(store, config, projectId, cancellationToken);
        if (!http.Request.Query.ContainsKey("usages")) { return ZunResults.Json(View(limits)); }
        var used = await store.UsageAsync(projectId, cancellationToken);
        var inUse = new Dictionary<string, double> { ["containers"] = used.Containers, ["memory"] = used.Memory, ["cpu"] = used.Cpu, ["disk"] = used.Disk };
        var obj = new JsonObject();
        foreach (var r in ResourceNames) { obj[r] = new JsonObject { ["limit"] = limits[r], ["in_use"] = inUse[r] }; }
        return ZunResults.Json(obj);
    }

    private static async Task<ContentHttpResult> GetDefaultsAsync(string projectId, HttpContext http, ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(26);
        Policy.Enforce(ctx, "quota:get_default", projectId);
        return ZunResults.Json(View(await DefaultsAsync(store, config, cancellationToken)));
    }

    private static async Task<ContentHttpResult> UpdateAsync(string projectId, HttpContext http, ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(26);
        Policy.Enforce(ctx, "quota:update", projectId);
        foreach (var (resource, limit) in await ReadLimitsAsync(http, cancellationToken))
        {
            await store.SetQuotaAsync(projectId, resource, limit, cancellationToken);
        }
        return ZunResults.Json(View(await LimitsAsync(store, config, projectId, cancellationToken)));
    }

    private static async Task<ContentHttpResult> DeleteAsync(string projectId, HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(26);
        Policy.Enforce(ctx, "quota:delete", projectId);
        await store.DeleteQuotasAsync(projectId, cancellationToken);
        return ZunResults.Json(null, StatusCodes.Status200OK);
    }

    private static async Task<ContentHttpResult> GetClassAsync(string name, HttpContext http, ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(26);
        Policy.Enforce(ctx, "quota_class:get");
        var limits = await DefaultsAsync(store, config, cancellationToken);
        if (name != "default")
        {
            foreach (var (k, v) in await store.QuotaClassAsync(name, cancellationToken)) { limits[k] = v; }
        }
        return ZunResults.Json(View(limits));
    }

    private static async Task<ContentHttpResult> UpdateClassAsync(string name, HttpContext http, ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        ctx.RequireVersion(26);
        Policy.Enforce(ctx, "quota_class:update");
        foreach (var (resource, limit) in await ReadLimitsAsync(http, cancellationToken))
        {
            await store.SetQuotaClassAsync(name, resource, limit, cancellationToken);
        }
        return await GetClassAsync(name, http, store, config, cancellationToken);
    }

    private static async Task<Dictionary<string, int>> ReadLimitsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: true, cancellationToken);
        if (p.Body is { } body) { Schema.NoAdditional(body, ResourceNames); }
        var result = new Dictionary<string, int>();
        foreach (var r in ResourceNames)
        {
            if (p.String(r) is not { } text) { continue; }
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) || v < -1)
            {
                throw Schema.Error(r, JsonValue.Create(text), $"'{text}' does not match '^-?[0-9]+$'");
            }
            result[r] = v;
        }
        return result;
    }
}
