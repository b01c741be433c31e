using System.Globalization;
using System.Text.Json;

namespace DockStack.Bench.Lifecycle;

/// <summary>
/// The run flags of a node that <c>./dockstack up</c> made, read back from <c>docker inspect</c>, so the baseline
/// <c>docker run</c> starts the same image the same way (volumes and ports aside: a bare run has none).
/// </summary>
public sealed record NodeRunFlags(
    string Image, IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Command, string Hostname, IReadOnlyList<string> Environment,
    IReadOnlyList<string> Capabilities, IReadOnlyList<string> Devices, IReadOnlyList<string> SecurityOptions, string CgroupnsMode,
    IReadOnlyList<KeyValuePair<string, string>> Tmpfs, string StopSignal, int? StopTimeout)
{
    public static NodeRunFlags FromInspect(JsonElement container)
    {
        var config = container.GetProperty("Config");
        var host = container.GetProperty("HostConfig");
        return new NodeRunFlags(
            Image: config.GetProperty("Image").GetString() ?? throw new BenchException("The node's inspect has no image."),
            Entrypoint: Strings(config, "Entrypoint"),
            Command: Strings(config, "Cmd"),
            Hostname: config.GetProperty("Hostname").GetString() ?? "",
            Environment: Strings(config, "Env"),
            Capabilities: Strings(host, "CapAdd"),
            Devices: Array(host, "Devices").Select(d => $"{d.GetProperty("PathOnHost").GetString()}:{d.GetProperty("PathInContainer").GetString()}:{d.GetProperty("CgroupPermissions").GetString()}").ToList(),
            SecurityOptions: Strings(host, "SecurityOpt"),
            CgroupnsMode: host.TryGetProperty("CgroupnsMode", out var ns) ? ns.GetString() ?? "" : "",
            Tmpfs: host.TryGetProperty("Tmpfs", out var tmpfs) && tmpfs.ValueKind == JsonValueKind.Object
                ? tmpfs.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString() ?? "")).ToList()
                : [],
            StopSignal: config.TryGetProperty("StopSignal", out var signal) ? signal.GetString() ?? "" : "",
            StopTimeout: config.TryGetProperty("StopTimeout", out var timeout) && timeout.ValueKind == JsonValueKind.Number ? timeout.GetInt32() : null);
    }

    /// <summary>The <c>docker run -d</c> arguments (without the leading <c>docker</c>); <paramref name="extraFlags"/> go before the image (e.g. <c>-v</c>).</summary>
    public IReadOnlyList<string> RunArguments(string name, IReadOnlyDictionary<string, string> labels, IReadOnlyList<string>? extraFlags = null)
    {
        var args = new List<string> { "run", "-d", "--name", name };
        foreach (var (key, value) in labels)
        {
            args.AddRange(["--label", $"{key}={value}"]);
        }
        args.AddRange(Flags());
        args.AddRange(extraFlags ?? []);
        args.Add(Image);
        args.AddRange(Entrypoint.Skip(1));
        args.AddRange(Command);
        return args;
    }

    /// <summary>The flags alone, for the report.</summary>
    public IReadOnlyList<string> Flags()
    {
        var args = new List<string>();
        if (Hostname.Length > 0) { args.AddRange(["--hostname", Hostname]); }
        if (Entrypoint.Count > 0) { args.AddRange(["--entrypoint", Entrypoint[0]]); }
        foreach (var variable in Environment) { args.AddRange(["-e", variable]); }
        foreach (var capability in Capabilities) { args.AddRange(["--cap-add", capability]); }
        foreach (var device in Devices) { args.AddRange(["--device", device]); }
        foreach (var option in SecurityOptions) { args.AddRange(["--security-opt", option]); }
        if (CgroupnsMode.Length > 0) { args.Add($"--cgroupns={CgroupnsMode}"); }
        foreach (var (path, options) in Tmpfs.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            args.AddRange(["--tmpfs", options.Length > 0 ? $"{path}:{options}" : path]);
        }
        if (StopSignal.Length > 0) { args.AddRange(["--stop-signal", StopSignal]); }
        if (StopTimeout is { } seconds) { args.AddRange(["--stop-timeout", seconds.ToString(CultureInfo.InvariantCulture)]); }
        return args;
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    private static List<string> Strings(JsonElement parent, string name) =>
        Array(parent, name).Select(e => e.GetString() ?? "").ToList();
}
