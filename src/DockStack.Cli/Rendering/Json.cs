using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace DockStack.Cli.Rendering;

/// <summary>The JSON that <c>--output json</c> prints: camelCase, indented, one document on stdout.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static void Write(IAnsiConsole console, object value) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, Options));
}
