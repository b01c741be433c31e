using System.Text;

namespace DockStack.Cloud.Provisioning.LocalConf;

/// <summary>
/// Splits one line of shell into words the way bash would for the simple statements local.conf uses:
/// single and double quotes, backslash escapes, <c>$NAME</c>, <c>${NAME}</c> and <c>${NAME:-default}</c>,
/// and a <c>#</c> comment at the start of a word. Anything richer (command substitution) is kept literally.
/// </summary>
internal sealed class ShellWords(string source, int line, Func<string, string?> lookup, Action<string> warn)
{
    public List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
                i++;
                continue;
            }
            if (c == '#' && !inWord)
            {
                break;
            }
            inWord = true;
            switch (c)
            {
                case '\'':
                    var end = text.IndexOf('\'', i + 1);
                    if (end < 0)
                    {
                        throw new LocalConfException(source, line, "unterminated single quote");
                    }
                    word.Append(text, i + 1, end - i - 1);
                    i = end + 1;
                    break;
                case '"':
                    i = DoubleQuoted(text, i + 1, word);
                    break;
                case '\\' when i + 1 < text.Length:
                    word.Append(text[i + 1]);
                    i += 2;
                    break;
                case '$':
                    i = Expand(text, i, word);
                    break;
                case '`':
                    warn($"{source}, line {line}: command substitution is not supported; the text is kept as written");
                    word.Append(c);
                    i++;
                    break;
                default:
                    word.Append(c);
                    i++;
                    break;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }

    private int DoubleQuoted(string text, int i, StringBuilder word)
    {
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
            {
                word.Append(text[i + 1]);
                i += 2;
            }
            else if (c == '$')
            {
                i = Expand(text, i, word);
            }
            else
            {
                word.Append(c);
                i++;
            }
        }
        throw new LocalConfException(source, line, "unterminated double quote");
    }

    /// <summary>Expands the reference starting at <paramref name="i"/> (a '$'); returns the index after it.</summary>
    private int Expand(string text, int i, StringBuilder word)
    {
        if (i + 1 < text.Length && text[i + 1] == '{')
        {
            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                throw new LocalConfException(source, line, "unterminated ${...}");
            }
            var inner = text[(i + 2)..close];
            var fallbackAt = inner.IndexOf(":-", StringComparison.Ordinal);
            var name = fallbackAt >= 0 ? inner[..fallbackAt] : inner;
            if (!IsName(name))
            {
                throw new LocalConfException(source, line, $"'${{{inner}}}' is not a variable reference this parser understands");
            }
            var value = lookup(name);
            word.Append(string.IsNullOrEmpty(value) && fallbackAt >= 0 ? inner[(fallbackAt + 2)..] : Resolve(name, value));
            return close + 1;
        }
        var j = i + 1;
        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_'))
        {
            j++;
        }
        if (j == i + 1)
        {
            if (j < text.Length && text[j] == '(')
            {
                warn($"{source}, line {line}: command substitution is not supported; the text is kept as written");
            }
            word.Append('$');
            return j;
        }
        var reference = text[(i + 1)..j];
        word.Append(Resolve(reference, lookup(reference)));
        return j;
    }

    private string Resolve(string name, string? value)
    {
        if (value is null)
        {
            warn($"{source}, line {line}: ${name} is not defined here; it expands to an empty string");
            return "";
        }
        return value;
    }

    public static bool IsName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');
}
