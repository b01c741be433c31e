using System.Text.Json;
using System.Text.Json.Nodes;

namespace DockStack.Zun.Api;

/// <summary>
/// A request body read strictly: malformed JSON, a key given twice in one object, or a string that is not valid
/// Unicode (a lone surrogate such as <c>"\ud800"</c>) is a 400 here, never a fault further in.
/// </summary>
public static class JsonBody
{
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>The parsed body; <see cref="Invalid"/> for anything <see cref="Validate"/> refuses.</summary>
    public static JsonNode? Parse(string text)
    {
        try
        {
            using (var document = JsonDocument.Parse(text, Options))
            {
                Validate(document.RootElement);
            }
            return JsonNode.Parse(text, documentOptions: Options);
        }
        catch (JsonException e)
        {
            throw new Invalid($"Malformed JSON in the request body: {e.Message}");
        }
    }

    /// <summary>Every object's keys distinct and every string (keys included) decodable; throws <see cref="Invalid"/>.</summary>
    public static void Validate(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var name = Decode(() => property.Name);
                    if (!seen.Add(name))
                    {
                        throw new Invalid($"Malformed JSON in the request body: the key '{name}' appears more than once in an object.");
                    }
                    Validate(property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) { Validate(item); }
                break;
            case JsonValueKind.String:
                Decode(element.GetString);
                break;
        }
    }

    private static string Decode(Func<string?> read)
    {
        try
        {
            return read() ?? "";
        }
        catch (InvalidOperationException e)
        {
            throw new Invalid($"Malformed JSON in the request body: a string is not valid Unicode ({e.Message})");
        }
    }
}
