using System.Text.RegularExpressions;

namespace DockStack.Cloud.Provisioning.LocalConf;

/// <summary>
/// Reads DevStack's local.conf format: meta-sections <c>[[phase|file]]</c>; the <c>[[local|localrc]]</c>
/// section is shell (assignments and commands), <c>[[post-config|...]]</c> sections are INI.
/// Syntax errors throw <see cref="LocalConfException"/> naming the line; meta-sections we do not
/// run are reported as warnings.
/// </summary>
public static partial class LocalConfParser
{
    public static LocalConfDocument Parse(string text, string source, IReadOnlyDictionary<string, string> builtins)
    {
        var warnings = new List<string>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var localrc = new List<(int Line, string Text)>();
        var postConfig = new List<(int Line, string File, List<(int Line, string Text)> Body)>();
        List<(int, string)>? current = null;

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var number = n + 1;
            var trimmed = line.Trim();
            if (trimmed.StartsWith("[[", StringComparison.Ordinal))
            {
                var header = Header().Match(trimmed);
                if (!header.Success)
                {
                    throw new LocalConfException(source, number, $"malformed section header '{trimmed}' (expected [[phase|file]])");
                }
                var phase = header.Groups["phase"].Value.Trim();
                var file = header.Groups["file"].Value.Trim();
                current = null;
                switch (phase)
                {
                    case "local" when file == "localrc":
                        current = localrc;
                        break;
                    case "post-config":
                        var body = new List<(int, string)>();
                        postConfig.Add((number, file, body));
                        current = body;
                        break;
                    default:
                        warnings.Add($"{source}, line {number}: [[{phase}|{file}]] is not supported (only [[local|localrc]] and [[post-config|...]]); its contents are ignored");
                        current = [];
                        break;
                }
                continue;
            }
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }
            if (current is null)
            {
                throw new LocalConfException(source, number, "text outside any [[phase|file]] section (a local.conf starts with [[local|localrc]])");
            }
            current.Add((number, line));
        }

        var variables = new Dictionary<string, string>(builtins, StringComparer.Ordinal);
        var statements = new List<LocalrcStatement>();
        foreach (var (number, line) in localrc)
        {
            statements.Add(ParseStatement(source, number, line, variables, warnings));
        }
        var sections = postConfig
            .Select(p => new PostConfigSection(p.Line, p.File, ParseIni(source, p.Body, variables)))
            .ToList();
        return new LocalConfDocument(source, statements, sections, warnings);
    }

    private static LocalrcStatement ParseStatement(string source, int number, string line, Dictionary<string, string> variables, List<string> warnings)
    {
        var words = new ShellWords(source, number, name => variables.GetValueOrDefault(name), warnings.Add);
        var assignment = AssignmentStart().Match(line);
        if (assignment.Success)
        {
            var name = assignment.Groups["name"].Value;
            var append = assignment.Groups["op"].Value == "+=";
            var values = words.Split(line[assignment.Length..]);
            if (values.Count > 1)
            {
                throw new LocalConfException(source, number, $"the value of {name} has unquoted spaces; quote it");
            }
            var value = values.Count == 0 ? "" : values[0];
            variables[name] = append ? variables.GetValueOrDefault(name, "") + value : value;
            return new Assignment(number, name, value, append);
        }
        var parts = words.Split(line);
        if (parts.Count == 0)
        {
            throw new LocalConfException(source, number, $"cannot read '{line.Trim()}'");
        }
        return new Command(number, parts[0], parts.Skip(1).ToList());
    }

    private static List<IniSetting> ParseIni(string source, List<(int Line, string Text)> body, Dictionary<string, string> variables)
    {
        var settings = new List<IniSetting>();
        string? section = null;
        foreach (var (number, raw) in body)
        {
            var line = raw.Trim();
            if (line.StartsWith(';'))
            {
                continue;
            }
            if (line.StartsWith('['))
            {
                if (!line.EndsWith(']') || line.Length < 3)
                {
                    throw new LocalConfException(source, number, $"malformed INI section header '{line}'");
                }
                section = line[1..^1].Trim();
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                throw new LocalConfException(source, number, $"expected 'key = value' in a post-config section, found '{line}'");
            }
            if (section is null)
            {
                throw new LocalConfException(source, number, "a setting before any [section] header");
            }
            var value = ExpandKnown(line[(equals + 1)..].Trim(), variables);
            settings.Add(new IniSetting(number, section, line[..equals].Trim(), value));
        }
        return settings;
    }

    /// <summary>Expands <c>$NAME</c>/<c>${NAME}</c> where NAME is a known variable; anything else stays as written.</summary>
    internal static string ExpandKnown(string value, IReadOnlyDictionary<string, string> variables) =>
        Reference().Replace(value, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value;
            return variables.TryGetValue(name, out var v) ? v : m.Value;
        });

    [GeneratedRegex(@"^\[\[\s*(?<phase>[^|\]]+)\|(?<file>[^\]]+)\]\]$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^\s*(export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<op>\+?=)")]
    private static partial Regex AssignmentStart();

    [GeneratedRegex(@"\$(\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Reference();
}
