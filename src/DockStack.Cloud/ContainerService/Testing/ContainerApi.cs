using System.Text.Json.Nodes;

namespace DockStack.Cloud.ContainerService.Testing;

public sealed class ContainerApiException(string message, int status) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>The few calls of the Zun v1 API that `dockstack test` makes, with our own HTTP client.</summary>
public sealed class ContainerApi(HttpClient http, string endpoint, string token)
{
    public const string Microversion = "container 1.40";

    public Task<JsonNode?> ServicesAsync(CancellationToken ct) => SendAsync(HttpMethod.Get, "/services", null, ct);

    public Task<JsonNode?> RunAsync(string name, string image, IReadOnlyList<string> command, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, "/containers?run=true", new JsonObject
        {
            ["name"] = name,
            ["image"] = image,
            ["command"] = new JsonArray(command.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
        }, ct);

    public async Task<JsonNode?> FindAsync(string ident, CancellationToken ct)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"/containers/{Uri.EscapeDataString(ident)}", null, ct);
        }
        catch (ContainerApiException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<string> LogsAsync(string ident, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, $"/containers/{Uri.EscapeDataString(ident)}/logs?stdout=True&stderr=True&timestamps=False&tail=all", null, ct)) is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    public Task DeleteAsync(string ident, bool force, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"/containers/{Uri.EscapeDataString(ident)}?force={force}", null, ct);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, endpoint + path);
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Add("OpenStack-API-Version", Microversion);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var detail = TryParse(text)?["errors"]?.AsArray().FirstOrDefault()?["detail"]?.GetValue<string>() ?? Shorten(text);
            throw new ContainerApiException($"{method} {path} answered {(int)response.StatusCode}: {detail}", (int)response.StatusCode);
        }
        return TryParse(text);
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
