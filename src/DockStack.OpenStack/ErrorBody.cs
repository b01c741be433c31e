using System.Text;
using System.Text.Json.Nodes;

namespace DockStack.OpenStack;

/// <summary>The OpenStack API error document: <c>{"errors":[{request_id, code, status, title, detail, links}]}</c>.</summary>
public static class ErrorBody
{
    public static JsonObject Create(string codePrefix, string? faultName, int status, string title, string detail) =>
        new()
        {
            ["errors"] = new JsonArray(new JsonObject
            {
                ["request_id"] = "",
                ["code"] = $"{codePrefix}.{(faultName is null ? "" : KebabCase(faultName))}",
                ["status"] = status,
                ["title"] = title,
                ["detail"] = detail,
                ["links"] = new JsonArray(),
            }),
        };

    /// <summary>The body keystonemiddleware sends with a 401.</summary>
    public static JsonObject Unauthorized() =>
        new()
        {
            ["error"] = new JsonObject
            {
                ["code"] = 401,
                ["title"] = "Unauthorized",
                ["message"] = "The request you have made requires authentication.",
            },
        };

    /// <summary>ContainerNotFound → container-not-found; a trailing "Exception" word is kept as Zun keeps it.</summary>
    public static string KebabCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var startsWord = i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
                if (startsWord) { sb.Append('-'); }
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
