using System.Text.RegularExpressions;

namespace DockStack.Zun.Api;

/// <summary>
/// Docker's reference grammar (distribution/reference), checked before anything reaches the engine, so a name the engine
/// would refuse is a 400 with the reason instead of an engine fault. A first path component is a registry only when it
/// looks like one (has a <c>.</c> or a <c>:</c>, or is <c>localhost</c>): <c>UPPER/case</c> is refused, not sent to a host called UPPER.
/// </summary>
public static partial class DockerReference
{
    private const string Component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private const string DomainPart = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    private const string Domain = "(?:" + DomainPart + "(?:\\." + DomainPart + ")+(?::[0-9]+)?|" + DomainPart + ":[0-9]+|localhost)";
    private const string Repository = "(?:" + Domain + "/)?" + Component + "(?:/" + Component + ")*";
    private const string Tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    private const string Digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

    /// <summary>The longest repository name Docker accepts.</summary>
    public const int MaxNameLength = 255;

    /// <summary><c>name[:tag][@digest]</c>, as <c>docker pull</c> takes it.</summary>
    public static bool IsReference(string text) => IsName(NameOf(text)) && ReferenceRegex().IsMatch(text);

    /// <summary>A repository name without tag or digest, as <c>docker commit</c> takes it.</summary>
    public static bool IsRepository(string text) => IsName(text) && RepositoryRegex().IsMatch(text);

    public static bool IsTag(string text) => TagRegex().IsMatch(text);

    /// <summary>An image reference, or <see cref="InvalidValue"/> naming the field and the grammar.</summary>
    public static string CheckReference(string field, string text) =>
        IsReference(text) ? text : throw new InvalidValue($"Invalid {field} '{Printable(text)}': not a Docker image reference (name[:tag][@digest], lowercase name components).");

    public static string CheckRepository(string field, string text) =>
        IsRepository(text) ? text : throw new InvalidValue($"Invalid {field} '{Printable(text)}': not a Docker repository name (lowercase components of letters, digits and . _ -, separated by /).");

    public static string CheckTag(string field, string text) =>
        IsTag(text) ? text : throw new InvalidValue($"Invalid {field} '{Printable(text)}': not a Docker tag (up to 128 of letters, digits, _ . -, not starting with . or -).");

    /// <summary>The text with control characters escaped, for an error message.</summary>
    internal static string Printable(string text) =>
        string.Concat(text.Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));

    private static bool IsName(string name) => name.Length <= MaxNameLength;

    private static string NameOf(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at >= 0 ? reference[..at] : reference;
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        return colon > slash ? name[..colon] : name;
    }

    [GeneratedRegex("^" + Repository + "(?::" + Tag + ")?(?:@" + Digest + ")?\\z")]
    private static partial Regex ReferenceRegex();

    [GeneratedRegex("^" + Repository + "\\z")]
    private static partial Regex RepositoryRegex();

    [GeneratedRegex("^" + Tag + "\\z")]
    private static partial Regex TagRegex();
}
