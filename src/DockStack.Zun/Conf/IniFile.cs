namespace DockStack.Zun.Conf;

/// <summary>
/// The oslo.config INI dialect: <c>[section]</c>, <c>key = value</c>, <c>#</c>/<c>;</c> comments,
/// indented continuation lines. Later values win. Section names are case-sensitive except DEFAULT.
/// </summary>
public sealed class IniFile
{
    private readonly Dictionary<string, Dictionary<string, string>> _sections = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Sections => _sections.Keys;

    public static IniFile Parse(string text, string source = "<config>")
    {
        var ini = new IniFile();
        Dictionary<string, string>? current = null;
        string? lastKey = null;
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                continue;
            }
            if (char.IsWhiteSpace(line[0]) && current is not null && lastKey is not null)
            {
                current[lastKey] = current[lastKey] + "\n" + trimmed;
                continue;
            }
            if (trimmed[0] == '[')
            {
                if (!trimmed.EndsWith(']'))
                {
                    throw new ConfigException($"{source}:{lineNo}: a section header must end with ']': {trimmed}");
                }
                var name = trimmed[1..^1].Trim();
                if (string.Equals(name, "default", StringComparison.OrdinalIgnoreCase)) { name = "DEFAULT"; }
                current = ini.Section(name, create: true);
                lastKey = null;
                continue;
            }
            var eq = trimmed.IndexOfAny(['=', ':']);
            if (eq <= 0 || current is null)
            {
                throw new ConfigException(current is null
                    ? $"{source}:{lineNo}: '{trimmed}' appears before any [section]"
                    : $"{source}:{lineNo}: expected 'key = value', found '{trimmed}'");
            }
            lastKey = trimmed[..eq].Trim();
            current[lastKey] = trimmed[(eq + 1)..].Trim();
        }
        return ini;
    }

    public string? Get(string section, string key) =>
        _sections.TryGetValue(section, out var s) && s.TryGetValue(key, out var v) ? v : null;

    public void Set(string section, string key, string value) => Section(section, create: true)![key] = value;

    private Dictionary<string, string>? Section(string name, bool create)
    {
        if (!_sections.TryGetValue(name, out var section) && create)
        {
            section = new Dictionary<string, string>(StringComparer.Ordinal);
            _sections[name] = section;
        }
        return section;
    }
}

/// <summary>The configuration is unreadable or names a bad value; the message names the option.</summary>
public sealed class ConfigException(string message) : Exception(message);
