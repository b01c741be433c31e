using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DockStack.Zun.Api;

/// <summary>The few jsonschema checks Zun's request schemas use, with jsonschema's messages in Zun's wrapping.</summary>
public static class Schema
{
    public static SchemaValidationError Error(string field, JsonNode? value, string message) =>
        new($"Invalid input for field '{field}'.Value: '{PyRepr.Str(value)}'. {message}");

    public static void NoAdditional(JsonObject body, IReadOnlyCollection<string> allowed)
    {
        var extra = body.Select(kv => kv.Key).Where(k => !allowed.Contains(k)).ToList();
        if (extra.Count > 0)
        {
            var list = string.Join(", ", extra.Select(e => $"'{e}'"));
            throw new SchemaValidationError($"Additional properties are not allowed ({list} {(extra.Count == 1 ? "was" : "were")} unexpected)");
        }
    }

    public static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    public static SchemaValidationError TypeError(string field, JsonNode? value, params string[] types) =>
        Error(field, value, $"{PyRepr.Of(value)} is not of type {string.Join(", ", types.Select(t => $"'{t}'"))}");

    public static string? String(string field, JsonNode? node, int minLength = 0, int maxLength = int.MaxValue, string? pattern = null, bool nullable = true)
    {
        if (node is null)
        {
            return nullable ? null : throw TypeError(field, node, "string");
        }
        if (Kind(node) != JsonValueKind.String)
        {
            throw nullable ? TypeError(field, node, "string", "null") : TypeError(field, node, "string");
        }
        var text = node.GetValue<string>();
        if (text.Length < minLength) { throw Error(field, node, $"{PyRepr.Of(node)} is too short"); }
        if (text.Length > maxLength) { throw Error(field, node, $"{PyRepr.Of(node)} is too long"); }
        if (pattern is not null && !Matches(text, pattern))
        {
            throw Error(field, node, $"{PyRepr.Of(node)} does not match '{pattern}'");
        }
        return text;
    }

    /// <summary>
    /// jsonschema's pattern test, except that a closing <c>$</c> means the end of the text: .NET's (like Python's) <c>$</c>
    /// also matches before a final newline, which would let <c>"web\n"</c> through a name pattern.
    /// </summary>
    public static bool Matches(string text, string pattern)
    {
        var match = Regex.Match(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        return match.Success && (!pattern.EndsWith('$') || match.Index + match.Length == text.Length);
    }

    public static bool Bool(string field, JsonNode? node, bool allowStrings = false)
    {
        switch (Kind(node))
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.String when allowStrings:
                var text = node!.GetValue<string>();
                return text switch
                {
                    "True" or "true" => true,
                    "False" or "false" => false,
                    _ => throw Error(field, node, $"{PyRepr.Of(node)} is not one of [True, False, 'True', 'False', 'true', 'false']"),
                };
            default:
                throw TypeError(field, node, "boolean");
        }
    }

    /// <summary>An int or a string of digits, within [min, max].</summary>
    public static int IntOrDigits(string field, JsonNode? node, int min, int max)
    {
        long value;
        switch (Kind(node))
        {
            case JsonValueKind.Number when node!.AsValue().TryGetValue<long>(out var n):
                value = n;
                break;
            case JsonValueKind.String:
                var text = node!.GetValue<string>();
                if (!Regex.IsMatch(text, "^[0-9]+$", RegexOptions.None, TimeSpan.FromSeconds(1)))
                {
                    throw Error(field, node, $"{PyRepr.Of(node)} does not match '^[0-9]+$'");
                }
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) { value = long.MaxValue; }
                break;
            default:
                throw TypeError(field, node, "integer", "string");
        }
        if (value < min) { throw Error(field, node, $"{value} is less than the minimum of {min}"); }
        if (value > max) { throw Error(field, node, $"{value} is greater than the maximum of {max}"); }
        return (int)value;
    }

    /// <summary>A number or a numeric string, within [min, max].</summary>
    public static double Number(string field, JsonNode? node, double min, double max)
    {
        double value;
        switch (Kind(node))
        {
            case JsonValueKind.Number:
                value = node!.GetValue<double>();
                break;
            case JsonValueKind.String when double.TryParse(node!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                                        && double.IsFinite(parsed):
                value = parsed;
                break;
            case JsonValueKind.String:
                throw Error(field, node, $"{PyRepr.Of(node)} does not match '^[0-9]*(\\.)?[0-9]*$'");
            default:
                throw TypeError(field, node, "number", "string");
        }
        if (value < min) { throw Error(field, node, $"{PyRepr.Number(value)} is less than the minimum of {PyRepr.Number(min)}"); }
        if (value > max) { throw Error(field, node, $"{PyRepr.Number(value)} is greater than the maximum of {PyRepr.Number(max)}"); }
        return value;
    }

    public static string Enum(string field, JsonNode? node, params string[] choices)
    {
        if (Kind(node) == JsonValueKind.String && choices.Contains(node!.GetValue<string>()))
        {
            return node.GetValue<string>();
        }
        throw Error(field, node, $"{PyRepr.Of(node)} is not one of [{string.Join(", ", choices.Select(c => $"'{c}'"))}]");
    }

    public static JsonObject? Object(string field, JsonNode? node, bool nullable = true)
    {
        if (node is null && nullable) { return null; }
        return node as JsonObject ?? throw (nullable ? TypeError(field, node, "object", "null") : TypeError(field, node, "object"));
    }

    public static JsonArray? Array(string field, JsonNode? node, bool nullable = true)
    {
        if (node is null && nullable) { return null; }
        return node as JsonArray ?? throw (nullable ? TypeError(field, node, "array", "null") : TypeError(field, node, "array"));
    }

    public static Dictionary<string, string> StringMap(string field, JsonNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Object(field, node) ?? [])
        {
            result[key] = String($"{field}/{key}", value, nullable: false)!;
        }
        return result;
    }

    public static List<string>? StringList(string field, JsonNode? node)
    {
        var array = Array(field, node);
        return array?.Select((x, i) => String($"{field}/{i}", x, nullable: false)!).ToList();
    }
}
