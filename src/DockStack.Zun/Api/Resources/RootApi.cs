using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace DockStack.Zun.Api.Resources;

/// <summary>Version discovery: GET / (no version headers) and GET /v1 (with them); both open without a token.</summary>
public static class RootApi
{
    private static readonly string[] Resources = ["services", "containers", "images", "networks", "hosts", "capsules", "availability_zones", "quotas", "quota_classes", "registries"];

    public static void MapRoot(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", Root);
        app.MapGet("/v1", V1);
        app.MapGet("/healthcheck", () => TypedResults.Text("OK", "text/plain"));
    }

    private static ContentHttpResult Root(HttpContext http)
    {
        var host = ZunResults.HostUrl(http.Request);
        JsonObject Version() => new()
        {
            ["id"] = "v1",
            ["status"] = "CURRENT",
            ["max_version"] = ZunVersions.Max.ToString(),
            ["min_version"] = ZunVersions.Min.ToString(),
            ["links"] = new JsonArray(new JsonObject { ["href"] = $"{host}/v1/", ["rel"] = "self" }),
        };
        return ZunResults.Json(new JsonObject
        {
            ["name"] = "OpenStack Zun API",
            ["description"] = "Zun is an OpenStack project which aims to provide containers service.",
            ["versions"] = new JsonArray(Version()),
            ["default_version"] = Version(),
        });
    }

    private static ContentHttpResult V1(HttpContext http)
    {
        var host = ZunResults.HostUrl(http.Request);
        var body = new JsonObject
        {
            ["id"] = "v1",
            ["media_types"] = new JsonArray(new JsonObject { ["base"] = "application/json", ["type"] = "application/vnd.openstack.zun.v1+json" }),
            ["links"] = new JsonArray(
                new JsonObject { ["href"] = $"{host}/v1/", ["rel"] = "self" },
                new JsonObject { ["href"] = "https://docs.openstack.org/developer/zun/dev/api-spec-v1.html", ["rel"] = "describedby", ["type"] = "text/html" }),
        };
        foreach (var r in Resources)
        {
            body[r] = new JsonArray(
                new JsonObject { ["href"] = $"{host}/v1/{r}/", ["rel"] = "self" },
                new JsonObject { ["href"] = $"{host}/{r}/", ["rel"] = "bookmark" });
        }
        return ZunResults.Json(body);
    }
}
