using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Zun.Api.Resources;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DockStack.Zun.Api.Containers;

/// <summary>/v1/containers: create (run), list, show, update (PATCH) and delete.</summary>
public static class ContainersApi
{
    private static readonly string[] ListParams = ["limit", "marker", "sort_key", "sort_dir", "all_projects", "name", "image", "project_id", "user_id", "memory", "host", "task_state", "status", "auto_remove"];

    public static RouteGroupBuilder MapContainers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/containers");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{ident}", ShowAsync);
        group.MapPatch("/{ident}", UpdateAsync);
        group.MapDelete("/{ident}", DeleteAsync);
        group.MapContainerActions();
        return group;
    }

    private static async Task<ContentHttpResult> CreateAsync(HttpContext http, ZunStore store, ComputeGateway compute, ZunConfig config, TimeProvider time, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "container:create");
        RequestParams.RequireJsonContent(http.Request);
        var query = await RequestParams.ReadAsync(http.Request, mergeBody: false, cancellationToken);
        query.OnlyKnown("run");
        var run = query.Bool("run", false);
        var body = await RequestParams.ReadBodyAsync(http.Request, cancellationToken);
        if (body is not JsonObject obj)
        {
            throw body is null ? new SchemaValidationError("'image' is a required property") : Schema.TypeError("", body, "object");
        }
        var (c, requestedHost, files) = ContainerCreateParser.Parse(obj, ctx, config, time);
        if (http.RequestServices.GetService<NeutronPorts>() is { } neutron)
        {
            await neutron.ValidateAsync(c, ctx.IsAdmin, cancellationToken);
        }
        // Checked here to refuse before the image is validated, and again, atomically, when the row is stored.
        await QuotasApi.CheckAsync(store, config, ctx.ProjectId, 1, c.Cpu, long.Parse(c.Memory!, CultureInfo.InvariantCulture), c.Disk ?? 0, cancellationToken);
        if (c.ImageDriver == "glance")
        {
            await GlanceOf(http).FindAsync(c.Image, ctx.Caller, cancellationToken);
        }
        else if (config.EnableImageValidation && await compute.ScheduleAsync(null, cancellationToken) is { } validator)
        {
            await compute.CallHostAsync(validator, new ValidateImage(c.Image), ctx, cancellationToken);
        }
        c.Host = await compute.ScheduleAsync(requestedHost, cancellationToken);
        if (c.Host is null)
        {
            c.Status = ContainerStatus.Error;
            c.StatusReason = "There are not enough hosts available.";
        }
        await QuotasApi.InsertWithinQuotaAsync(store, config, c, cancellationToken);
        await store.InsertAsync(files, cancellationToken);
        await compute.RecordActionAsync(c, "create", ctx, cancellationToken);
        if (c.Host is not null)
        {
            await compute.CastAsync(c, new CreateContainer(c.Uuid, run), ctx, cancellationToken);
        }
        http.Response.Headers.Location = $"{ZunResults.HostUrl(http.Request)}/v1/containers/{c.Uuid}";
        return ZunResults.Json(ContainerView.Render(c, ctx, http.Request), StatusCodes.Status202Accepted);
    }

    /// <summary>The service's Glance (Keystone mode); without it the glance image driver is refused.</summary>
    internal static GlanceImages GlanceOf(HttpContext http) =>
        http.RequestServices.GetService<GlanceImages>() ?? throw ContainerCreateParser.GlanceUnavailable();

    private static async Task<ZunResults.StreamedList> ListAsync(HttpContext http, ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "container:get_all");
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: false, cancellationToken);
        p.OnlyKnown(ListParams);
        var allProjects = p.Bool("all_projects", false);
        if (allProjects) { Policy.Enforce(ctx, "container:get_all_all_projects"); }
        var page = ListPage.Read(p, config, ZunStore.SortableColumns);
        // Capsule members are the capsule's (Zun keeps them apart from containers): listed, shown and deleted with it.
        var filters = new Dictionary<string, object?> { ["capsule_id"] = null };
        foreach (var key in new[] { "name", "image", "project_id", "user_id", "memory", "host", "task_state", "status", "auto_remove" })
        {
            if (!p.Has(key)) { continue; }
            Policy.Enforce(ctx, $"container:get_one:{key}");
            filters[key] = key == "auto_remove" ? (p.Bool(key, false) ? 1 : 0) : p.String(key);
        }
        var rows = await store.ListAsync(new ContainerQuery(allProjects ? null : ctx.ProjectId, filters, page.Limit, page.Marker, page.SortKey, page.SortDir), cancellationToken);
        return ZunResults.List("containers", rows, c => ContainerView.Render(c, ctx, http.Request), page.Next(http.Request, "containers", rows.Count, rows.LastOrDefault()?.Uuid));
    }

    private static async Task<ContentHttpResult> ShowAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:get_one", cancellationToken);
        if (c.Host is not null && c.ContainerId is not null && c.TaskState is null)
        {
            try
            {
                await compute.CallAsync(c, new ShowContainer(c.Uuid), ctx, cancellationToken);
                c = await store.GetContainerAsync(c.Uuid, cancellationToken) ?? c;
            }
            catch (ZunException e) when (e.Status >= 500)
            {
                // Host down: Zun logs and shows the stored copy.
            }
        }
        return ZunResults.Json(ContainerView.Render(c, ctx, http.Request));
    }

    private static async Task<ContentHttpResult> UpdateAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var body = await RequestParams.ReadBodyAsync(http.Request, cancellationToken) as JsonObject ?? throw new SchemaValidationError("The request body must be a JSON object.");
        Schema.NoAdditional(body, ["cpu", "memory", "name", "auto_heal"]);
        if (body.ContainsKey("name") && !ctx.AtLeast(14)) { throw new InvalidParamInVersion("name", ctx.Version.ToString(), "1.14"); }
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:update", cancellationToken);
        double? cpu = body.ContainsKey("cpu") ? Schema.Number("cpu", body["cpu"], 0.1, 16) : null;
        int? memory = body.ContainsKey("memory") ? Schema.IntOrDigits("memory", body["memory"], 4, config.MaxMemory) : null;
        var name = body.ContainsKey("name") ? Schema.String("name", body["name"], 2, 255, "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$", nullable: false) : null;
        bool? autoHeal = body.ContainsKey("auto_heal") ? Schema.Bool("auto_heal", body["auto_heal"]) : null;
        void Change(Container row)
        {
            if (name is not null) { row.Name = name; }
            if (autoHeal is not null) { row.AutoHeal = autoHeal; }
            row.UpdatedAt = Times.Now(TimeProvider.System);
        }
        if (cpu is not null || memory is not null)
        {
            ContainerLookup.CheckState(c, "update");
            c = await ContainerResize.ApplyAsync(store, compute, config, ctx, c, ident, cpu, memory, Change, cancellationToken);
        }
        else
        {
            Change(c);
            await store.UpdateAsync(c, cancellationToken);
        }
        return ZunResults.Json(ContainerView.Render(c, ctx, http.Request));
    }

    private static async Task<IResult> DeleteAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: false, cancellationToken);
        p.OnlyKnown("force", "stop", "all_projects");
        var force = p.Bool("force", false);
        var stop = p.Bool("stop", false);
        if (p.Has("force") && !ctx.AtLeast(7)) { throw new InvalidParamInVersion("force", ctx.Version.ToString(), "1.7"); }
        if (p.Has("stop") && !ctx.AtLeast(12)) { throw new InvalidParamInVersion("stop", ctx.Version.ToString(), "1.12"); }
        var c = await ContainerLookup.FindAsync(store, http, ident, "container:delete", cancellationToken);
        if (force)
        {
            Policy.Enforce(ctx, "container:delete_force", c.ProjectId);
            ContainerLookup.CheckState(c, "delete_force");
        }
        else
        {
            ContainerLookup.CheckState(c, stop ? "delete_after_stop" : "delete");
        }
        if (c.Host is null || (c.ContainerId is null && c.Status != ContainerStatus.Creating))
        {
            await store.DeleteAsync(c, cancellationToken);
            return TypedResults.NoContent();
        }
        await compute.EnsureHostUpAsync(c, cancellationToken);
        c.Status = ContainerStatus.Deleting;
        await store.UpdateAsync(c, cancellationToken);
        await compute.RecordActionAsync(c, "delete", ctx, cancellationToken);
        await compute.CastAsync(c, new DeleteContainer(c.Uuid, force, stop), ctx, cancellationToken);
        return TypedResults.NoContent();
    }
}
