using System.Globalization;
using System.Text.Json;

namespace DockStack.OpenStack.Keystone;

/// <summary>Reads the <c>{"token": {...}}</c> document that POST and GET /v3/auth/tokens return.</summary>
public static class TokenDocument
{
    public static TokenInfo Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("token", out var token))
        {
            throw new KeystoneUnavailableException("Keystone answered without a token document.");
        }
        var user = token.GetProperty("user");
        JsonElement? project = token.TryGetProperty("project", out var p) ? p : null;
        var roles = token.TryGetProperty("roles", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(x => Str(x, "name") ?? "").Where(x => x.Length > 0).ToList()
            : [];
        var expires = DateTimeOffset.Parse(Str(token, "expires_at") ?? throw new KeystoneUnavailableException("The token has no expires_at."),
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        var catalog = new List<CatalogService>();
        if (token.TryGetProperty("catalog", out var c) && c.ValueKind == JsonValueKind.Array)
        {
            foreach (var service in c.EnumerateArray())
            {
                var endpoints = service.TryGetProperty("endpoints", out var e) && e.ValueKind == JsonValueKind.Array
                    ? e.EnumerateArray().Select(x => new CatalogEndpoint(Str(x, "interface") ?? "", Str(x, "url") ?? "", Str(x, "region_id") ?? Str(x, "region"))).ToList()
                    : [];
                catalog.Add(new CatalogService(Str(service, "type") ?? "", Str(service, "name") ?? "", endpoints));
            }
        }
        return new TokenInfo(
            Str(user, "id") ?? "",
            Str(user, "name") ?? "",
            user.TryGetProperty("domain", out var ud) ? Str(ud, "id") : null,
            user.TryGetProperty("domain", out var ud2) ? Str(ud2, "name") : null,
            project is { } pj ? Str(pj, "id") : null,
            project is { } pn ? Str(pn, "name") : null,
            roles,
            expires,
            catalog)
        {
            SystemScoped = token.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.Object
                && system.TryGetProperty("all", out var all) && all.ValueKind == JsonValueKind.True,
            ScopeDomainId = token.TryGetProperty("domain", out var domain) ? Str(domain, "id") : null,
        };
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
