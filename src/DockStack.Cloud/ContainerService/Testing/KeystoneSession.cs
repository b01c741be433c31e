using System.Text.Json.Nodes;

namespace DockStack.Cloud.ContainerService.Testing;

public sealed record CatalogEndpoint(string Type, string Name, string Interface, string Region, string Url);

/// <summary>A project-scoped Keystone v3 token and the catalog that came with it.</summary>
public sealed record KeystoneSession(string Token, string Project, DateTimeOffset ExpiresAt, IReadOnlyList<CatalogEndpoint> Catalog)
{
    public static async Task<KeystoneSession> LoginAsync(HttpClient http, CloudCredentials credentials, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject { ["name"] = credentials.Username, ["domain"] = new JsonObject { ["name"] = credentials.UserDomain }, ["password"] = credentials.Password },
                    },
                },
                ["scope"] = new JsonObject
                {
                    ["project"] = new JsonObject { ["name"] = credentials.ProjectName, ["domain"] = new JsonObject { ["name"] = credentials.ProjectDomain } },
                },
            },
        };
        // A string body has a Content-Length: Keystone's uwsgi does not read chunked request bodies.
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"{credentials.AuthUrl}/auth/tokens", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Keystone at {credentials.AuthUrl} refused the login of {credentials.Username} ({(int)response.StatusCode}): {Shorten(text)}");
        }
        var token = response.Headers.TryGetValues("X-Subject-Token", out var values) ? values.First()
            : throw new InvalidOperationException("Keystone answered without an X-Subject-Token header.");
        var json = JsonNode.Parse(text)?["token"] ?? throw new InvalidOperationException("Keystone's answer has no token document.");
        var catalog = new List<CatalogEndpoint>();
        foreach (var service in json["catalog"]?.AsArray() ?? [])
        {
            foreach (var endpoint in service?["endpoints"]?.AsArray() ?? [])
            {
                catalog.Add(new CatalogEndpoint(
                    service!["type"]?.GetValue<string>() ?? "",
                    service["name"]?.GetValue<string>() ?? "",
                    endpoint?["interface"]?.GetValue<string>() ?? "",
                    endpoint?["region_id"]?.GetValue<string>() ?? endpoint?["region"]?.GetValue<string>() ?? "",
                    endpoint?["url"]?.GetValue<string>() ?? ""));
            }
        }
        var expires = DateTimeOffset.TryParse(json["expires_at"]?.GetValue<string>(), out var at) ? at : DateTimeOffset.UtcNow.AddHours(1);
        return new KeystoneSession(token, json["project"]?["name"]?.GetValue<string>() ?? credentials.ProjectName, expires, catalog);
    }

    /// <summary>The public URL of a service type in a region, or null.</summary>
    public string? PublicUrl(string type, string region) =>
        Catalog.FirstOrDefault(e => e.Type == type && e.Interface == "public" && (e.Region.Length == 0 || e.Region == region))?.Url.TrimEnd('/');

    internal static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
