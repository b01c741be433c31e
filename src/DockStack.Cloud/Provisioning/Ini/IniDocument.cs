using System.Text;

namespace DockStack.Cloud.Provisioning.Ini;

/// <summary>
/// An oslo.config-style INI file edited in place: comments, order and untouched settings stay as they
/// were; <see cref="Set"/> replaces the first active key in its section (or adds it at the section's end,
/// creating the section when missing). Commented-out defaults (<c>#connection = ...</c>) are left alone.
/// </summary>
public sealed class IniDocument
{
    private readonly List<string> _lines;

    private IniDocument(List<string> lines) => _lines = lines;

    public static IniDocument Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return new IniDocument(lines);
    }

    public static IniDocument Empty() => new([]);

    /// <summary>The active value of a key, or null.</summary>
    public string? Get(string section, string key)
    {
        var (start, end) = FindSection(section);
        if (start < 0)
        {
            return null;
        }
        for (var i = start + 1; i < end; i++)
        {
            if (KeyOf(_lines[i]) == key)
            {
                return _lines[i][(_lines[i].IndexOf('=') + 1)..].Trim();
            }
        }
        return null;
    }

    public IniDocument Set(string section, string key, string value)
    {
        var line = $"{key} = {value}";
        var (start, end) = FindSection(section);
        if (start < 0)
        {
            if (_lines.Count > 0 && _lines[^1].Trim().Length > 0)
            {
                _lines.Add("");
            }
            _lines.Add($"[{section}]");
            _lines.Add(line);
            return this;
        }
        for (var i = start + 1; i < end; i++)
        {
            if (KeyOf(_lines[i]) == key)
            {
                _lines[i] = line;
                // A key given twice in one section: oslo.config would read the last; keep only ours.
                for (var j = end - 1; j > i; j--)
                {
                    if (KeyOf(_lines[j]) == key)
                    {
                        _lines.RemoveAt(j);
                    }
                }
                return this;
            }
        }
        var insertAt = end;
        while (insertAt > start + 1 && _lines[insertAt - 1].Trim().Length == 0)
        {
            insertAt--;
        }
        _lines.Insert(insertAt, line);
        return this;
    }

    public IniDocument SetAll(IEnumerable<(string Section, string Key, string Value)> settings)
    {
        foreach (var (section, key, value) in settings)
        {
            Set(section, key, value);
        }
        return this;
    }

    public string Render()
    {
        var text = new StringBuilder();
        foreach (var line in _lines)
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    public override string ToString() => Render();

    /// <summary>[header index, index after the section's last line), or (-1, -1).</summary>
    private (int Start, int End) FindSection(string section)
    {
        var start = -1;
        for (var i = 0; i < _lines.Count; i++)
        {
            var name = SectionOf(_lines[i]);
            if (name is null)
            {
                continue;
            }
            if (start >= 0)
            {
                return (start, i);
            }
            if (name == section)
            {
                start = i;
            }
        }
        return start >= 0 ? (start, _lines.Count) : (-1, -1);
    }

    private static string? SectionOf(string line)
    {
        var t = line.Trim();
        return t.Length > 2 && t[0] == '[' && t[^1] == ']' ? t[1..^1].Trim() : null;
    }

    private static string? KeyOf(string line)
    {
        var t = line.TrimStart();
        if (t.Length == 0 || t[0] is '#' or ';' or '[')
        {
            return null;
        }
        var equals = t.IndexOf('=');
        return equals > 0 ? t[..equals].Trim() : null;
    }
}
