using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Api;

/// <summary>
/// Query string and JSON body merged, as pecan merges them: a field may arrive in either.
/// The literal <c>None</c> reads as null where Zun does so.
/// </summary>
public sealed class RequestParams
{
    private readonly Dictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);

    public JsonObject? Body { get; private init; }
    public IReadOnlyCollection<string> QueryKeys { get; private init; } = [];

    public static async Task<RequestParams> ReadAsync(HttpRequest request, bool mergeBody, CancellationToken cancellationToken)
    {
        JsonObject? body = null;
        if (mergeBody)
        {
            body = await ReadBodyAsync(request, cancellationToken) as JsonObject;
        }
        var result = new RequestParams { Body = body, QueryKeys = request.Query.Keys.ToList() };
        foreach (var (key, value) in request.Query)
        {
            result._values[key] = JsonValue.Create(value.ToString());
        }
        if (body is not null)
        {
            foreach (var (key, value) in body) { result._values[key] = value?.DeepClone(); }
        }
        return result;
    }

    /// <summary>The JSON body, or null when there is none (an action POST with Content-Length 0).</summary>
    /// <summary>415 unless the request's body is JSON (or has no type), as Zun's create methods insist.</summary>
    public static void RequireJsonContent(HttpRequest request)
    {
        if (request.ContentType is { } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedMediaType($"The server does not support the content type {type}; use application/json.");
        }
    }

    public static async Task<JsonNode?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var text = await reader.ReadToEndAsync(timeout.Token);
        if (string.IsNullOrWhiteSpace(text)) { return null; }
        return JsonBody.Parse(text);
    }

    public IEnumerable<string> Keys => _values.Keys;

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The value as it came (a query value is a JSON string); null when absent or null.</summary>
    public JsonNode? Node(string name) => _values.GetValueOrDefault(name);

    public string? String(string name, bool noneIsNull = false)
    {
        if (!_values.TryGetValue(name, out var node) || node is null) { return null; }
        var text = node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node.ToJsonString();
        return noneIsNull && text == "None" ? null : text;
    }

    /// <summary>A boolean_extended value (true/false or the oslo spellings); absent gives the fallback.</summary>
    public bool Bool(string name, bool fallback)
    {
        if (!_values.TryGetValue(name, out var node) || node is null) { return fallback; }
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) { return v.GetValue<bool>(); }
        var text = String(name)!;
        return BoolParser.TryParse(text) ?? throw NotABool(name, text);
    }

    /// <summary>The schema error for a query value that is none of the boolean_extended spellings.</summary>
    public static SchemaValidationError NotABool(string name, string text) =>
        new($"Invalid input for query parameters '{name}'. Value: '{text}'. '{text}' is not one of ['True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']");

    public int? NonNegativeInt(string name)
    {
        var text = String(name);
        if (text is null) { return null; }
        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SchemaValidationError($"Invalid input for query parameters '{name}'. Value: '{text}'. '{text}' does not match '^[0-9]+$'");
    }

    public string Required(string name) =>
        String(name) is { Length: > 0 } value ? value : throw new SchemaValidationError($"Invalid input for query parameters '{name}'. Value: 'None'. '{name}' is a required property");

    /// <summary>400 for any key outside <paramref name="allowed"/>, as Zun's strict query schemas answer.</summary>
    public void OnlyKnown(params string[] allowed)
    {
        var unknown = _values.Keys.Where(k => !allowed.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new Invalid($"Unknown parameters: {string.Join(", ", unknown)}");
        }
    }
}
