using System.Globalization;

namespace DockStack.Zun.Api;

/// <summary>
/// The bounds the service puts on what one request may ask and cost, in one place (the README's "Limits"): the size
/// of a request body, of an archive in and out, of exec output, the counts and lengths of labels, environment and
/// command; a timeout is whole seconds up to <see cref="MaxTimeoutSeconds"/>, an archive path is absolute and has no NUL.
/// </summary>
public static class RequestLimits
{
    private const int KiB = 1024;
    private const int MiB = 1024 * KiB;

    /// <summary>The largest request body (bytes); past it the answer is 413 before more is read.</summary>
    public const long MaxRequestBodyBytes = 1 * MiB;

    /// <summary>The largest archive (tar bytes) get_archive returns and put_archive accepts; past it, 413.</summary>
    public const int MaxArchiveBytes = 8 * MiB;

    /// <summary>put_archive's body: the archive in base64 (4 bytes per 3) plus room for the rest of the JSON.</summary>
    public const long MaxPutArchiveBodyBytes = (MaxArchiveBytes + 2) / 3 * 4 + 64 * KiB;

    /// <summary>The most output (stdout and stderr, in bytes) a non-interactive exec returns; the rest is cut.</summary>
    public const int MaxExecOutputBytes = 1 * MiB;

    /// <summary>What ends an exec output that was cut at <see cref="MaxExecOutputBytes"/>.</summary>
    public static readonly string ExecOutputTruncated =
        $"\n[output truncated: the command wrote more than {MaxExecOutputBytes} bytes; only the first {MaxExecOutputBytes} are shown]\n";

    /// <summary>labels: at most this many, keys up to <see cref="MaxKeyLength"/> characters, values up to <see cref="MaxLabelValueLength"/>.</summary>
    public const int MaxLabels = 100;
    public const int MaxLabelValueLength = 4 * KiB;

    /// <summary>environment: at most this many variables, names up to <see cref="MaxKeyLength"/>, values up to <see cref="MaxEnvironmentValueLength"/>.</summary>
    public const int MaxEnvironmentVariables = 256;
    public const int MaxEnvironmentValueLength = 32 * KiB;

    /// <summary>The longest label key or environment variable name.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>command and entrypoint: at most this many words, of at most <see cref="MaxCommandLength"/> characters together.</summary>
    public const int MaxCommandWords = 256;

    /// <summary>The longest command (create's command or entrypoint, all words together; exec's command string).</summary>
    public const int MaxCommandLength = 64 * KiB;

    /// <summary>
    /// Files a create injects (<c>mounts</c> of type <c>bind</c>): at most <see cref="MaxInjectedFiles"/>, of at most
    /// <see cref="MaxInjectedBytes"/> together once decoded. In base64 that is 699,052 characters, so the files and the
    /// rest of the create fit in its <see cref="MaxRequestBodyBytes"/> body; a destination has at most
    /// <see cref="MaxInjectedPathLength"/> characters (Linux's PATH_MAX).
    /// </summary>
    public const int MaxInjectedFiles = 16;
    public const int MaxInjectedBytes = 512 * KiB;
    public const int MaxInjectedPathLength = 4096;

    /// <summary>The body limit of a request to <paramref name="path"/>: put_archive carries an archive, everything else JSON arguments.</summary>
    public static long MaxBodyBytes(string path) =>
        path.EndsWith("/put_archive", StringComparison.Ordinal) ? MaxPutArchiveBodyBytes : MaxRequestBodyBytes;

    /// <summary>put_archive's data (base64 from 1.25, Latin-1 text before) holding at most <see cref="MaxArchiveBytes"/>; 413 otherwise.</summary>
    public static string ArchiveData(string data, bool base64)
    {
        var bytes = base64 ? data.Length / 4L * 3 : data.Length;
        return bytes <= MaxArchiveBytes
            ? data
            : throw new RequestEntityTooLarge($"The archive is about {bytes} bytes, more than the {MaxArchiveBytes} put_archive accepts.");
    }

    /// <summary>A string map (labels, environment) within its bounds; a 400 naming the field otherwise.</summary>
    public static Dictionary<string, string> Map(string field, Dictionary<string, string> map, int maxEntries, int maxValueLength)
    {
        if (map.Count > maxEntries)
        {
            throw new SchemaValidationError($"Invalid input for field '{field}'. It has {map.Count} entries; at most {maxEntries} are allowed.");
        }
        foreach (var (key, value) in map)
        {
            if (key.Length > MaxKeyLength)
            {
                throw new SchemaValidationError($"Invalid input for field '{field}'. A key is {key.Length} characters long; at most {MaxKeyLength} are allowed.");
            }
            if (value.Length > maxValueLength)
            {
                throw new SchemaValidationError($"Invalid input for field '{field}/{key}'. The value is {value.Length} characters long; at most {maxValueLength} are allowed.");
            }
        }
        return map;
    }

    /// <summary>A command or entrypoint within its bounds (null passes); a 400 naming the field otherwise.</summary>
    public static List<string>? Command(string field, List<string>? words)
    {
        if (words is null) { return null; }
        if (words.Count > MaxCommandWords)
        {
            throw new SchemaValidationError($"Invalid input for field '{field}'. It has {words.Count} words; at most {MaxCommandWords} are allowed.");
        }
        var length = words.Sum(w => (long)w.Length);
        return length <= MaxCommandLength
            ? words
            : throw new SchemaValidationError($"Invalid input for field '{field}'. It is {length} characters long; at most {MaxCommandLength} are allowed.");
    }

    /// <summary>exec's command string within <see cref="MaxCommandLength"/>; a 400 naming the parameter otherwise.</summary>
    public static string ExecCommand(string command) =>
        command.Length <= MaxCommandLength
            ? command
            : throw new SchemaValidationError($"Invalid input for query parameters 'command'. It is {command.Length} characters long; at most {MaxCommandLength} are allowed.");
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
