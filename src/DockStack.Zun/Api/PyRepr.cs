using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Api;

/// <summary>Python's repr of a JSON value, as jsonschema puts it in Zun's validation messages.</summary>
public static class PyRepr
{
    public static string Of(JsonNode? node) => node switch
    {
        null => "None",
        JsonObject o => "{" + string.Join(", ", o.Select(kv => $"'{kv.Key}': {Of(kv.Value)}")) + "}",
        JsonArray a => "[" + string.Join(", ", a.Select(Of)) + "]",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "'" + v.GetValue<string>().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.Number => v.ToJsonString(),
            _ => "None",
        },
        _ => node.ToJsonString(),
    };

    /// <summary>The value as Zun prints it after "Value: '...'" (str, not repr).</summary>
    public static string Str(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Of(node);

    public static string Number(double d) => d.ToString(CultureInfo.InvariantCulture);
}

/// <summary>JSON numbers that Python reads back as float (1.0, not 1), as Zun's float fields are.</summary>
public static class JsonFloat
{
    public static JsonNode Of(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        if (!text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal)) { text += ".0"; }
        return JsonNode.Parse(text)!;
    }
}
