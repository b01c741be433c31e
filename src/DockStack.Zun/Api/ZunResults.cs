using System.Text;
using System.Text.Json;
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

    /// <summary>
    /// A list body <c>{"&lt;key&gt;": [view...], "next": ...}</c> written to the response one view at a time, in the same
    /// bytes as <see cref="Json"/>. A 1,000-row list held as one string is ~3 MB on the large object heap (plus its UTF-8
    /// copy), which only a full GC frees: under list load that grew the api's resident set by tens of MB.
    /// </summary>
    public static StreamedList List<T>(string key, IReadOnlyList<T> rows, Func<T, JsonNode> view, string? next) =>
        new(key, rows.Count, i => view(rows[i]), next);

    public sealed class StreamedList(string key, int count, Func<int, JsonNode> view, string? next) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        private const int FlushEvery = 64 * 1024;

        public int? StatusCode => StatusCodes.Status200OK;

        public string ContentType => "application/json; charset=utf-8";

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = ContentType;
            var pipe = response.BodyWriter;
            await using var writer = new Utf8JsonWriter(pipe);
            writer.WriteStartObject();
            writer.WriteStartArray(key);
            for (var i = 0; i < count; i++)
            {
                view(i).WriteTo(writer);
                if (writer.BytesPending + writer.BytesCommitted >= FlushEvery)
                {
                    await writer.FlushAsync(httpContext.RequestAborted);
                    await pipe.FlushAsync(httpContext.RequestAborted);
                }
            }
            writer.WriteEndArray();
            writer.WriteString("next", next);
            writer.WriteEndObject();
            await writer.FlushAsync(httpContext.RequestAborted);
            await pipe.FlushAsync(httpContext.RequestAborted);
        }
    }

    /// <summary>The request's host URL (scheme://host[:port]), used in links.</summary>
    public static string HostUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    // The params JsonNode[] constructor: a collection expression would call JsonArray.Add<T>, which needs runtime code.
    public static JsonArray Links(HttpRequest request, string collection, string id) => new(
        new JsonObject { ["href"] = $"{HostUrl(request)}/v1/{collection}/{id}", ["rel"] = "self" },
        new JsonObject { ["href"] = $"{HostUrl(request)}/{collection}/{id}", ["rel"] = "bookmark" });
}
