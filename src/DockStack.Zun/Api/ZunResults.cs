using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DockStack.Zun.Api;

/// <summary>JSON answers the way pecan renders them: a body always, <c>null</c> when there is nothing to say.</summary>
public static class ZunResults
{
    public static ContentHttpResult Json(JsonNode? body, int status = StatusCodes.Status200OK) =>
        TypedResults.Text(body?.ToJsonString() ?? "null", "application/json", Encoding.UTF8, status);

    public static ContentHttpResult Null(int status = StatusCodes.Status202Accepted) => Json(null, status);

    /// <summary>The request's host URL (scheme://host[:port]), used in links.</summary>
    public static string HostUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    public static JsonArray Links(HttpRequest request, string collection, string id) =>
    [
        new JsonObject { ["href"] = $"{HostUrl(request)}/v1/{collection}/{id}", ["rel"] = "self" },
        new JsonObject { ["href"] = $"{HostUrl(request)}/{collection}/{id}", ["rel"] = "bookmark" },
    ];
}
