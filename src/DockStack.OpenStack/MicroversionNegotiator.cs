namespace DockStack.OpenStack;

/// <summary>Why a version header was refused; <see cref="RangeError"/> selects the 406 title.</summary>
public sealed record MicroversionError(string Message, bool RangeError, bool HeaderParsed);

/// <summary>
/// Reads <c>OpenStack-API-Version: &lt;service&gt; X.Y</c> the way oslo-based services do:
/// absent means the minimum, <c>latest</c> means the maximum, anything outside the range is refused.
/// </summary>
public sealed class MicroversionNegotiator(string service, ApiVersion min, ApiVersion max)
{
    public const string Header = "OpenStack-API-Version";

    public string Service { get; } = service;
    public ApiVersion Min { get; } = min;
    public ApiVersion Max { get; } = max;

    public string RangeText => $"[{Service} {Min}, {Service} {Max}]";

    public (ApiVersion? Version, MicroversionError? Error) Negotiate(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return (Min, null);
        }
        var parts = header.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !string.Equals(parts[0], Service, StringComparison.OrdinalIgnoreCase))
        {
            return (null, new MicroversionError($"Invalid service type for {Header} header", false, false));
        }
        if (string.Equals(parts[1], "latest", StringComparison.OrdinalIgnoreCase))
        {
            return (Max, null);
        }
        if (ApiVersion.TryParse(parts[1]) is not { } version)
        {
            return (null, new MicroversionError($"Invalid value for {Header} header", false, false));
        }
        if (version.Major != Max.Major)
        {
            return (null, new MicroversionError(
                $"Mutually exclusive versions requested. Version {version} requested but not supported by this service. The supported version range is: {RangeText}.", true, true));
        }
        if (version < Min || version > Max)
        {
            return (null, new MicroversionError(
                $"Version {version} was requested but the minor version is not supported by this service. The supported version range is: {RangeText}.", true, true));
        }
        return (version, null);
    }
}
