namespace DockStack.Cloud.Images;

/// <summary>Where the base image comes from.</summary>
public sealed record BaseImageOptions
{
    public const string DefaultSuite = "trixie";
    public const string DefaultMirror = "http://deb.debian.org/debian";

    public string Suite { get; init; } = DefaultSuite;
    public string Mirror { get; init; } = DefaultMirror;
    public string? HttpProxy { get; init; }

    /// <summary>How long a registry may take to answer before we build from the mirror instead.</summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public static readonly IReadOnlyList<string> Packages = ["systemd", "systemd-sysv", "dbus", "ca-certificates"];

    /// <summary>Options from the environment (DOCKSTACK_MIRROR, DOCKSTACK_HTTP_PROXY or http_proxy), then explicit values.</summary>
    public static BaseImageOptions From(string? suite, string? mirror, string? httpProxy, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return new BaseImageOptions
        {
            Suite = string.IsNullOrWhiteSpace(suite) ? DefaultSuite : suite.Trim(),
            Mirror = FirstSet(mirror, environment("DOCKSTACK_MIRROR")) ?? DefaultMirror,
            HttpProxy = FirstSet(httpProxy, environment("DOCKSTACK_HTTP_PROXY"), environment("http_proxy")),
        };
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
