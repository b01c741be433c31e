using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Zun.Compute;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DockStack.Zun.Api.Resources;

/// <summary>/v1/images (admin): list, show, pull on a host, delete. Search needs a registry and is refused.</summary>
public static class ImagesApi
{
    public static void MapImages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/images");
        group.MapGet("/", ListAsync);
        group.MapGet("/{uuid}", ShowAsync);
        group.MapPost("/", PullAsync);
        group.MapDelete("/{uuid}", DeleteAsync);
        group.MapGet("/{image}/search", (string image, HttpContext http) =>
        {
            Policy.Enforce(http.Zun(), "image:search");
            return Task.FromException<ContentHttpResult>(new Invalid("Image search needs a reachable registry; this service does not search registries."));
        });
    }

    private static JsonObject View(ImageRecord i, HttpRequest request) => new()
    {
        ["uuid"] = i.Uuid,
        ["links"] = ZunResults.Links(request, "images", i.Uuid),
        ["image_id"] = i.ImageId,
        ["repo"] = i.Repo,
        ["tag"] = i.Tag,
        ["size"] = i.Size,
        ["project_id"] = i.ProjectId,
        ["host"] = i.Host,
    };

    private static async Task<ZunResults.StreamedList> ListAsync(HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "image:get_all");
        var p = await RequestParams.ReadAsync(http.Request, mergeBody: false, cancellationToken);
        p.OnlyKnown("limit", "marker", "sort_key", "sort_dir");
        var limit = Math.Clamp(p.NonNegativeInt("limit") ?? 1000, 1, 1000);
        var after = p.String("marker") is { } marker ? (await store.GetImageAsync(marker, cancellationToken))?.Id ?? 0 : 0;
        var rows = await store.ImagesAsync(limit, after, cancellationToken);
        return ZunResults.List("images", rows, i => View(i, http.Request),
            rows.Count == limit ? $"{ZunResults.HostUrl(http.Request)}/v1/images?limit={limit.ToString(CultureInfo.InvariantCulture)}&marker={rows[^1].Uuid}" : null);
    }

    private static async Task<ContentHttpResult> ShowAsync(string uuid, HttpContext http, ZunStore store, CancellationToken cancellationToken)
    {
        Policy.Enforce(http.Zun(), "image:get_one");
        var image = await store.GetImageAsync(uuid, cancellationToken) ?? throw new ImageNotFound($"Image {uuid} could not be found.");
        return ZunResults.Json(View(image, http.Request));
    }

    private static async Task<ContentHttpResult> PullAsync(HttpContext http, ZunStore store, ComputeGateway compute, IComputeRpc rpc, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "image:pull");
        var body = await RequestParams.ReadBodyAsync(http.Request, cancellationToken) as JsonObject ?? throw new SchemaValidationError("'repo' is a required property");
        Schema.NoAdditional(body, ["repo", "host", "image_id", "tag", "size", "image_pull_policy"]);
        if (!body.ContainsKey("repo")) { throw new SchemaValidationError("'repo' is a required property"); }
        if (!body.ContainsKey("host")) { throw new SchemaValidationError("'host' is a required property"); }
        var repoText = DockerReference.CheckReference("repo", Schema.String("repo", body["repo"], 2, 255, nullable: false)!);
        var hostText = Schema.String("host", body["host"], 1, 255, nullable: false)!;
        var node = await store.NodeAsync(hostText, cancellationToken) ?? throw new InvalidValue($"Compute host {hostText} could not be found.");
        var (repo, tag) = ImageReference.Split(repoText);
        if (Schema.String("tag", body["tag"]) is { } explicitTag) { tag = DockerReference.CheckTag("tag", explicitTag); }
        var record = new ImageRecord { Uuid = Guid.NewGuid().ToString(), Repo = repo, Tag = tag, Host = node.Hostname, ProjectId = ctx.ProjectId };
        await store.InsertAsync(record, cancellationToken);
        await rpc.CastAsync(node.Hostname, new ComputeRequest(new PullImage(record.Uuid), ctx.Caller), cancellationToken);
        http.Response.Headers.Location = $"{ZunResults.HostUrl(http.Request)}/v1/images/{record.Uuid}";
        return ZunResults.Json(View(record, http.Request), StatusCodes.Status202Accepted);
    }

    private static async Task<ContentHttpResult> DeleteAsync(string uuid, HttpContext http, ZunStore store, IComputeRpc rpc, CancellationToken cancellationToken)
    {
        var ctx = http.Zun();
        Policy.Enforce(ctx, "image:delete");
        var image = await store.GetImageAsync(uuid, cancellationToken) ?? throw new ImageNotFound($"Image {uuid} could not be found.");
        if (image.Host is null) { await store.DeleteAsync(image, cancellationToken); }
        else { await rpc.CastAsync(image.Host, new ComputeRequest(new DeleteImage(image.Uuid), ctx.Caller), cancellationToken); }
        return ZunResults.Json(null, StatusCodes.Status200OK);
    }
}
