namespace DockStack.Zun.Api;

/// <summary>oslo's <c>bool_from_string</c> in strict form: the only spellings Zun's schemas accept.</summary>
public static class BoolParser
{
    private static readonly string[] Trues = ["True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes"];
    private static readonly string[] Falses = ["False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"];

    public static bool? TryParse(string? text) =>
        text is null ? null : Trues.Contains(text) ? true : Falses.Contains(text) ? false : null;

    /// <summary>Lenient form (unknown spellings are false), as bool_from_string without strict.</summary>
    public static bool Lenient(string? text) => TryParse(text?.Trim()) ?? false;
}
