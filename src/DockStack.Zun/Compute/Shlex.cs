using System.Text;

namespace DockStack.Zun.Compute;

/// <summary>POSIX-mode shell word splitting, as Python's <c>shlex.split</c> does it (no comments).</summary>
public static class Shlex
{
    public static List<string> Split(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(word.ToString()); word.Clear(); inWord = false; }
                continue;
            }
            inWord = true;
            switch (c)
            {
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0) { throw new Invalid("No closing quotation"); }
                    word.Append(text, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i++;
                    for (; ; i++)
                    {
                        if (i >= text.Length) { throw new Invalid("No closing quotation"); }
                        if (text[i] == '"') { break; }
                        if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`' or '\n') { i++; }
                        word.Append(text[i]);
                    }
                    break;
                case '\\':
                    if (i + 1 >= text.Length) { throw new Invalid("No escaped character"); }
                    word.Append(text[++i]);
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }
        if (inWord) { words.Add(word.ToString()); }
        return words;
    }
}
