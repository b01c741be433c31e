using System.Globalization;

namespace DockStack.Zun.Api;

/// <summary>
/// The bounds the API puts on what a request may ask (the README's "Limits"): a timeout is whole seconds up to
/// <see cref="MaxTimeoutSeconds"/>, an archive path is absolute and has no NUL.
/// </summary>
public static class RequestLimits
{
    /// <summary>The largest <c>timeout</c> (seconds) stop and reboot accept, and the largest healthcheck timeout.</summary>
    public const int MaxTimeoutSeconds = 3600;

    /// <summary>Zun's default stop/reboot timeout.</summary>
    public const int DefaultTimeoutSeconds = 10;

    /// <summary>The <c>timeout</c> parameter in seconds: absent gives the default; negative, fractional or above the maximum is a 400 naming the limit.</summary>
    public static int Timeout(RequestParams p, string name = "timeout")
    {
        var text = p.String(name);
        if (text is null) { return DefaultTimeoutSeconds; }
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            throw new SchemaValidationError($"Invalid input for query parameters '{name}'. Value: '{DockerReference.Printable(text)}'. '{DockerReference.Printable(text)}' does not match '^[0-9]+$'");
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > MaxTimeoutSeconds)
        {
            throw new SchemaValidationError($"Invalid input for query parameters '{name}'. Value: '{text}'. {text} is greater than the maximum of {MaxTimeoutSeconds}");
        }
        return (int)value;
    }

    /// <summary>A path inside a container for get_archive/put_archive: absolute, without NUL (the engine refuses or misreads others).</summary>
    public static string ArchivePath(string path) =>
        path.StartsWith('/') && !path.Contains('\0', StringComparison.Ordinal)
            ? path
            : throw new InvalidValue($"Invalid path '{DockerReference.Printable(path)}': an archive path must be absolute and must not contain NUL.");
}
