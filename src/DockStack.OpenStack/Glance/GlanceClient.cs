using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DockStack.OpenStack.Keystone;

namespace DockStack.OpenStack.Glance;

/// <summary>The Glance v2 calls an image store for containers needs; <see cref="GlanceClient"/> makes them.</summary>
public interface IGlanceClient
{
    /// <summary>The image (Glance's JSON), or null when Glance has none of that id.</summary>
    Task<JsonObject?> GetImageAsync(string id, CancellationToken ct);

    /// <summary>The images of that exact name the service's token sees, of any visibility.</summary>
    Task<IReadOnlyList<JsonObject>> FindImagesByNameAsync(string name, CancellationToken ct);

    /// <summary>The image's data, streamed as Glance sends it; the caller disposes the stream.</summary>
    Task<Stream> DownloadAsync(string id, CancellationToken ct);

    /// <summary>A new image record (queued, no data yet): Glance's JSON.</summary>
    Task<JsonObject> CreateImageAsync(NewGlanceImage image, CancellationToken ct);

    /// <summary>Sends the image's data, streamed from <paramref name="data"/> (never held whole).</summary>
    Task UploadAsync(string id, Stream data, CancellationToken ct);

    /// <summary>Deletes the image; one already gone is not an error.</summary>
    Task DeleteImageAsync(string id, CancellationToken ct);
}

/// <summary>What <see cref="IGlanceClient.CreateImageAsync"/> makes; extra string <paramref name="Properties"/> become image properties.</summary>
public sealed record NewGlanceImage(string Name, string Owner, string ContainerFormat = "docker", string DiskFormat = "raw",
    string Visibility = "private", IReadOnlyDictionary<string, string>? Properties = null);

/// <summary>
/// Glance v2 with a service user's token from <see cref="KeystoneClient"/>; the endpoint is the token catalog's
/// <c>image</c> service. A token Glance refuses is renewed once (not for an upload, whose body cannot be sent twice: its
/// token is fresh). Calls without data are bounded by <see cref="RequestTimeout"/>, data by <see cref="DataTimeout"/>
/// (the HttpClient given should have no timeout of its own).
/// </summary>
public sealed partial class GlanceClient(HttpClient http, KeystoneClient keystone, string endpointInterface = "public") : IGlanceClient
{
    private readonly ServiceCaller _glance = new(http, keystone, "image", "/v2/", endpointInterface);

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DataTimeout = TimeSpan.FromMinutes(10);

    public async Task<JsonObject?> GetImageAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images/{Uri.EscapeDataString(id)}", null, RequestTimeout, ct, allowNotFound: true);
        return response is null ? null : await ReadJsonAsync(response, ct);
    }

    public async Task<IReadOnlyList<JsonObject>> FindImagesByNameAsync(string name, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"images?name={Uri.EscapeDataString(name)}&visibility=all&limit=100", null, RequestTimeout, ct);
        var body = await ReadJsonAsync(response!, ct);
        return body["images"]?.AsArray().Select(i => i!.AsObject()).ToList() ?? [];
    }

    public async Task<Stream> DownloadAsync(string id, CancellationToken ct)
    {
        var response = (await SendAsync(HttpMethod.Get, $"images/{Uri.EscapeDataString(id)}/file", null, DataTimeout, ct))!;
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            response.Dispose();
            throw new GlanceException(HttpStatusCode.Conflict, $"Glance image {id} has no data.");
        }
        return await response.Content.ReadAsStreamAsync(ct); // disposing it releases the response
    }

    public async Task<JsonObject> CreateImageAsync(NewGlanceImage image, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["name"] = image.Name,
            ["container_format"] = image.ContainerFormat,
            ["disk_format"] = image.DiskFormat,
            ["visibility"] = image.Visibility,
            ["owner"] = image.Owner,
        };
        foreach (var (key, value) in image.Properties ?? new Dictionary<string, string>()) { body[key] = value; }
        using var response = await SendAsync(HttpMethod.Post, "images",
            () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), RequestTimeout, ct);
        return await ReadJsonAsync(response!, ct);
    }

    public async Task UploadAsync(string id, Stream data, CancellationToken ct)
    {
        var content = new StreamContent(data, 81920);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await SendAsync(HttpMethod.Put, $"images/{Uri.EscapeDataString(id)}/file", () => content, DataTimeout, ct, retry: false);
    }

    public async Task DeleteImageAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"images/{Uri.EscapeDataString(id)}", null, RequestTimeout, ct, allowNotFound: true);
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) as JsonObject
        ?? throw new GlanceException(HttpStatusCode.BadGateway, "Glance answered with a body that is not a JSON object.");

    /// <summary>
    /// The response once its headers are in (a success; null for 404 when <paramref name="allowNotFound"/>); the caller
    /// disposes it. <paramref name="content"/> makes the body of each attempt. <paramref name="timeout"/> bounds the request
    /// up to the response's headers (an upload's whole body).
    /// </summary>
    private async Task<HttpResponseMessage?> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, TimeSpan timeout, CancellationToken ct,
        bool allowNotFound = false, bool retry = true)
    {
        var response = await _glance.SendAsync(method, path, content, timeout,
            reason => new GlanceException(HttpStatusCode.ServiceUnavailable, $"Glance: {reason}"), ct, retry);
        if (response.IsSuccessStatusCode) { return response; }
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound && allowNotFound) { return null; }
            throw new GlanceException(response.StatusCode, Describe(await response.Content.ReadAsStringAsync(ct), response.StatusCode));
        }
    }

    /// <summary>Glance's error text (its bodies are short HTML or plain text), tags and runs of blanks dropped, else the status.</summary>
    internal static string Describe(string text, HttpStatusCode status)
    {
        var plain = Blanks().Replace(Tags().Replace(text, " "), " ").Trim();
        if (plain.Length > 300) { plain = plain[..300]; }
        return plain.Length > 0 ? $"Glance answered HTTP {(int)status}: {plain}" : $"Glance answered HTTP {(int)status}.";
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Blanks();
}

/// <summary>Glance refused a call or did not answer; <see cref="Status"/> is its HTTP status (503 when unreachable).</summary>
public sealed class GlanceException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
