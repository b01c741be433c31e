using DockStack.Zun.Api.Containers;
using DockStack.Zun.Api.Resources;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DockStack.Zun.Api.Capsules;

/// <summary>
/// /v1/capsules: create, list, show and delete (<c>openstack capsule ...</c>). Scoped and checked as
/// containers are: admin_or_owner rules, <c>all_projects</c> for admins only, another project's capsule 404.
/// </summary>
public static class CapsulesApi
{
    private static readonly string[] ListParams = ["limit", "marker", "sort_key", "sort_dir", "all_projects"];

    public static RouteGroupBuilder MapCapsules(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/capsules");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{ident}", ShowAsync);
        group.MapDelete("/{ident}", DeleteAsync);
        return group;
    }

    private static async Task<ContentHttpResult> CreateAsync(HttpContext http, ZunStore store, ComputeGateway compute, ZunConfig config, TimeProvider time, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "capsule:create");
        RequestParams.RequireJsonContent(http.Request);
        var plan = CapsuleTemplate.Parse(await RequestParams.ReadBodyAsync(http.Request, cancellationToken), ctx, config, time);
        var members = plan.Members;
        var adds = ZunStore.UsageOf(members);
        var limits = await QuotasApi.LimitsAsync(store, config, ctx.ProjectId, cancellationToken);
        var capsule = plan.Capsule;
        capsule.Host = await compute.ScheduleAsync(null, cancellationToken);
        foreach (var m in members) { m.Host = capsule.Host; }
        if (capsule.Host is null)
        {
            capsule.TaskState = null;
            capsule.StatusReason = "There are not enough hosts available.";
            foreach (var m in members)
            {
                m.Status = ContainerStatus.Error;
                m.StatusReason = capsule.StatusReason;
            }
        }
        await store.InsertCapsuleWithinQuotaAsync(capsule, members,
            used => QuotasApi.ThrowIfOver(limits, used, adds.Containers, adds.Cpu, adds.Memory, adds.Disk), cancellationToken);
        if (capsule.Host is not null)
        {
            await compute.CastHostAsync(capsule.Host, new CreateCapsule(capsule.Uuid), ctx, cancellationToken);
        }
        http.Response.Headers.Location = $"{ZunResults.HostUrl(http.Request)}/v1/capsules/{capsule.Uuid}";
        return ZunResults.Json(CapsuleView.Render(capsule, members, ctx, http.Request), StatusCodes.Status202Accepted);
    }

    private static async Task<ContentHttpResult> ListAsync(HttpContext http, ZunStore store, ZunConfig config, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "capsule:get_all");
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: false, cancellationToken);
        p.OnlyKnown(ListParams);
        var allProjects = p.Bool("all_projects", false);
        if (allProjects) { Policy.Enforce(ctx, "capsule:get_all_all_projects"); }
        var page = ListPage.Read(p, config, ZunStore.CapsuleSortableColumns);
        var rows = await store.ListCapsulesAsync(new CapsuleQuery(allProjects ? null : ctx.ProjectId, page.Limit, page.Marker, page.SortKey, page.SortDir), cancellationToken);
        var views = new System.Text.Json.Nodes.JsonArray();
        foreach (var capsule in rows)
        {
            views.Add((System.Text.Json.Nodes.JsonNode)CapsuleView.Render(capsule, await store.CapsuleMembersAsync(capsule.Uuid, cancellationToken), ctx, http.Request));
        }
        return ZunResults.Json(new System.Text.Json.Nodes.JsonObject
        {
            ["capsules"] = views,
            ["next"] = page.Next(http.Request, "capsules", rows.Count, rows.LastOrDefault()?.Uuid),
        });
    }

    private static async Task<ContentHttpResult> ShowAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var capsule = await FindAsync(store, http, ident, "capsule:get", cancellationToken);
        var members = await store.CapsuleMembersAsync(capsule.Uuid, cancellationToken);
        if (capsule.TaskState is null)
        {
            // As a container's show does: each member read back from the engine first (the stored copy when the host is down).
            foreach (var m in members.Where(m => m.Host is not null && m.ContainerId is not null && m.TaskState is null))
            {
                try
                {
                    await compute.CallAsync(m, new ShowContainer(m.Uuid), ctx, cancellationToken);
                }
                catch (ZunException e) when (e.Status >= 500)
                {
                    break;
                }
            }
            members = await store.CapsuleMembersAsync(capsule.Uuid, cancellationToken);
        }
        return ZunResults.Json(CapsuleView.Render(capsule, members, ctx, http.Request));
    }

    /// <summary>
    /// Removes the capsule with every member: 204 once zun-compute is asked (from 1.32; before it, once it is done). A
    /// capsule that never got a host goes at once.
    /// </summary>
    private static async Task<IResult> DeleteAsync(string ident, HttpContext http, ZunStore store, ComputeGateway compute, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        var capsule = await FindAsync(store, http, ident, "capsule:delete", cancellationToken);
        if (capsule.Host is null)
        {
            foreach (var m in await store.CapsuleMembersAsync(capsule.Uuid, cancellationToken)) { await store.DeleteAsync(m, cancellationToken); }
            await store.DeleteAsync(capsule, cancellationToken);
            return TypedResults.NoContent();
        }
        await compute.EnsureHostUpAsync(capsule.Host, capsule.Uuid, cancellationToken);
        capsule.TaskState = ContainerTaskState.Deleting;
        await store.UpdateAsync(capsule, cancellationToken);
        var message = new DeleteCapsule(capsule.Uuid);
        if (ctx.AtLeast(32))
        {
            await compute.CastHostAsync(capsule.Host, message, ctx, cancellationToken);
        }
        else
        {
            await compute.CallHostAsync(capsule.Host, message, ctx, cancellationToken);
        }
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The capsule the caller may run <paramref name="action"/> on, found as a container is
    /// (<see cref="ContainerLookup"/>): by uuid or exact name, in the caller's project unless an admin asks all_projects.
    /// </summary>
    internal static async Task<Capsule> FindAsync(ZunStore store, HttpContext http, string ident, string action, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, action);
        var allProjects = ContainerLookup.AllProjects(http.Request);
        if (allProjects) { Policy.Enforce(ctx, action == "capsule:delete" ? "capsule:delete_all_projects" : "capsule:get_one_all_projects"); }
        var projectId = allProjects ? null : ctx.ProjectId;
        Capsule? capsule;
        if (ContainerLookup.UuidLike().IsMatch(ident))
        {
            capsule = await store.GetCapsuleAsync(ident.ToLowerInvariant(), cancellationToken);
            if (capsule is not null && projectId is not null && capsule.ProjectId != projectId) { capsule = null; }
        }
        else
        {
            var matches = await store.FindCapsulesByNameAsync(ident, projectId, cancellationToken);
            capsule = matches.Count > 1 ? throw new Conflict("Multiple capsules exist with same name. Please use the capsule uuid instead.") : matches.FirstOrDefault();
        }
        if (capsule is null) { throw new CapsuleNotFound(ident); }
        Policy.Enforce(ctx, action, capsule.ProjectId);
        return capsule;
    }
}
