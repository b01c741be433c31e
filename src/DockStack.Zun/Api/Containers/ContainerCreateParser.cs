using System.Globalization;
using System.Text.Json.Nodes;
using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Api.Containers;

/// <summary>Zun's container create schema (containers.py + parameter_types.py), field by field, with version gates.</summary>
public static class ContainerCreateParser
{
    private const string NamePattern = "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$";
    private const string HostnamePattern = "^[a-zA-Z0-9-._]*$";

    private static readonly (string Field, int MinMinor)[] Fields =
    [
        ("name", 1), ("image", 1), ("command", 1), ("cpu", 1), ("memory", 1), ("workdir", 1), ("labels", 1), ("environment", 1),
        ("restart_policy", 1), ("interactive", 1), ("image_driver", 1), ("security_groups", 1), ("hints", 1), ("image_pull_policy", 1),
        ("availability_zone", 1), ("auto_heal", 1), ("disk", 1), ("nets", 2), ("auto_remove", 3), ("runtime", 5), ("hostname", 9),
        ("mounts", 11), ("privileged", 21), ("healthcheck", 22), ("exposed_ports", 24), ("cpu_policy", 28), ("registry", 31),
        ("tty", 36), ("host", 39), ("entrypoint", 40),
    ];

    /// <summary>The container to store, the host asked for (admins only), and the files its mounts inject.</summary>
    public sealed record Parsed(Container Container, string? RequestedHost, IReadOnlyList<InjectedFile> Files);

    public static Parsed Parse(JsonObject body, ZunContext ctx, ZunConfig config, TimeProvider time)
    {
        foreach (var (field, min) in Fields)
        {
            if (body.ContainsKey(field) && !ctx.AtLeast(min))
            {
                throw new InvalidParamInVersion(field, ctx.Version.ToString(), $"1.{min}");
            }
        }
        Schema.NoAdditional(body, Fields.Where(f => ctx.AtLeast(f.MinMinor)).Select(f => f.Field).ToList());
        if (!body.ContainsKey("image"))
        {
            throw new SchemaValidationError("'image' is a required property");
        }
        var now = Times.Now(time);
        var c = new Container
        {
            Uuid = Guid.NewGuid().ToString(),
            Name = Schema.String("name", body["name"], 2, 255, NamePattern) ?? RandomName(),
            Image = Image(body["image"]),
            Cpu = body.ContainsKey("cpu") ? Schema.Number("cpu", body["cpu"], 0.1, 16) : config.DefaultCpu,
            Memory = (body.ContainsKey("memory") ? Schema.IntOrDigits("memory", body["memory"], 4, config.MaxMemory) : config.DefaultMemory).ToString(CultureInfo.InvariantCulture),
            Disk = body.ContainsKey("disk") ? Schema.IntOrDigits("disk", body["disk"], 1, 160) : null,
            Workdir = Schema.String("workdir", body["workdir"]),
            Environment = RequestLimits.Map("environment", Schema.StringMap("environment", body["environment"]), RequestLimits.MaxEnvironmentVariables, RequestLimits.MaxEnvironmentValueLength),
            Labels = RequestLimits.Map("labels", Schema.StringMap("labels", body["labels"]), RequestLimits.MaxLabels, RequestLimits.MaxLabelValueLength),
            RestartPolicy = StoredRestartPolicy(body["restart_policy"]),
            Interactive = body.ContainsKey("interactive") && Schema.Bool("interactive", body["interactive"], allowStrings: true),
            ImageDriver = ImageDriver(body["image_driver"], config),
            SecurityGroups = Schema.StringList("security_groups", body["security_groups"])?.Distinct().ToList(),
            ImagePullPolicy = body["image_pull_policy"] is { } p ? Schema.Enum("image_pull_policy", p, "never", "always", "ifnotpresent", "Never", "Always", "IfNotPresent").ToLowerInvariant() : null,
            AutoRemove = body.ContainsKey("auto_remove") ? Schema.Bool("auto_remove", body["auto_remove"]) : false,
            AutoHeal = body.ContainsKey("auto_heal") ? Schema.Bool("auto_heal", body["auto_heal"]) : false,
            Runtime = Schema.String("runtime", body["runtime"]) ?? config.ContainerRuntime,
            Hostname = body.ContainsKey("hostname") ? Schema.String("hostname", body["hostname"], 1, 255, HostnamePattern, nullable: false) : null,
            Privileged = body.ContainsKey("privileged") ? Schema.Bool("privileged", body["privileged"]) : false,
            Healthcheck = Healthcheck(body["healthcheck"]),
            ExposedPorts = ExposedPorts(body["exposed_ports"]),
            CpuPolicy = body["cpu_policy"] is { } cp ? Schema.Enum("cpu_policy", cp, "dedicated", "shared") : null,
            UserId = ctx.UserId,
            ProjectId = ctx.ProjectId,
            CreatedAt = now,
            Status = ContainerStatus.Creating,
        };
        c.Command = RequestLimits.Command("command", Command(body["command"], ctx));
        c.CommandFromUser = c.Command is not null;
        c.Entrypoint = RequestLimits.Command("entrypoint", Schema.StringList("entrypoint", body["entrypoint"]));
        c.EntrypointFromUser = c.Entrypoint is not null;
        c.Tty = ctx.AtLeast(36) && body.ContainsKey("tty") ? Schema.Bool("tty", body["tty"], allowStrings: true) : c.Interactive;
        Schema.Object("hints", body["hints"]);
        if (body.ContainsKey("availability_zone")) { Schema.String("availability_zone", body["availability_zone"], 1, 255, nullable: false); }
        if (body.ContainsKey("registry")) { Schema.String("registry", body["registry"], 2, 255, nullable: false); throw new Invalid("Registries are not supported by this service; use a local or public image."); }
        c.Nets = Nets(body["nets"], config);
        var files = ContainerMounts.Parse(body["mounts"], c.Uuid, ctx);
        if (body.ContainsKey("security_groups") && body.ContainsKey("exposed_ports"))
        {
            throw new Invalid("security_groups and exposed_ports are mutually exclusive.");
        }
        if (body.ContainsKey("image_pull_policy")) { Policy.Enforce(ctx, "container:create:image_pull_policy"); }
        if (body.ContainsKey("runtime")) { Policy.Enforce(ctx, "container:create:runtime"); }
        if (c.Privileged == true) { Policy.Enforce(ctx, "container:create:privileged"); }
        string? host = null;
        if (body.ContainsKey("host"))
        {
            host = Schema.String("host", body["host"], 1, 255, HostnamePattern, nullable: false);
            Policy.Enforce(ctx, "container:create:requested_destination");
        }
        return new Parsed(c, host, files);
    }

    /// <summary>
    /// <c>nets</c>: with <c>[network] driver = kuryr</c>, entries each naming a Neutron network (id or name) or an existing
    /// port, optionally with <c>v4-fixed-ip</c> and <c>v6-fixed-ip</c>; whether they exist is checked against Neutron next
    /// (<see cref="NeutronPorts.ValidateAsync"/>).
    /// </summary>
    internal static List<RequestedNetwork>? Nets(JsonNode? node, ZunConfig config)
    {
        if (Schema.Array("nets", node) is not { Count: > 0 } entries) { return null; }
        if (!config.Kuryr) { throw new Invalid("Neutron networks are not available on this service ([network] driver is docker); omit nets (containers join the engine's own network)."); }
        return [.. entries.Select((e, i) => NetEntry(e as JsonObject ?? throw Schema.TypeError($"nets/{i}", e, "object"), $"nets/{i}"))];
    }

    private static RequestedNetwork NetEntry(JsonObject entry, string path)
    {
        foreach (var key in entry.Select(p => p.Key))
        {
            if (key is not ("network" or "port" or "v4-fixed-ip" or "v6-fixed-ip" or "preserve_on_delete"))
            {
                throw new SchemaValidationError($"Additional properties are not allowed ('{key}' was unexpected)");
            }
        }
        return Network(Schema.String($"{path}/network", entry["network"], 1, 255), Schema.String($"{path}/port", entry["port"], 1, 255),
            Schema.String($"{path}/v4-fixed-ip", entry["v4-fixed-ip"], 1, 64), Schema.String($"{path}/v6-fixed-ip", entry["v6-fixed-ip"], 1, 64));
    }

    /// <summary>One network request (a <c>nets</c> entry, or <c>network_attach</c>'s network, port and fixed_ip), checked for shape.</summary>
    internal static RequestedNetwork Network(string? network, string? port, string? v4, string? v6)
    {
        if (network is null && port is null) { throw new Invalid("A network or a port is needed."); }
        if (network is not null && port is not null) { throw new Invalid("Give a network or a port, not both."); }
        if (port is not null && (v4 ?? v6) is not null) { throw new Invalid("A fixed IP cannot be given with a port: the port has its addresses."); }
        CheckFamily(v4, System.Net.Sockets.AddressFamily.InterNetwork, "IPv4");
        CheckFamily(v6, System.Net.Sockets.AddressFamily.InterNetworkV6, "IPv6");
        return new RequestedNetwork(network, port, v4, v6);
    }

    private static void CheckFamily(string? address, System.Net.Sockets.AddressFamily family, string name)
    {
        if (address is not null && !(System.Net.IPAddress.TryParse(address, out var ip) && ip.AddressFamily == family))
        {
            throw new InvalidValue($"Fixed IP {address} is not a valid {name} address.");
        }
    }

    private static List<string>? Command(JsonNode? node, ZunContext ctx)
    {
        if (ctx.AtLeast(20)) { return Schema.StringList("command", node); }
        var text = Schema.String("command", node);
        return text is null ? null : Shlex.Split(text);
    }

    /// <summary>An image as create (and rebuild) take it: Zun's image_name schema, then a Docker reference.</summary>
    internal static string Image(JsonNode? node) =>
        DockerReference.CheckReference("image", Schema.String("image", node, 2, 255, "[a-zA-Z0-9][a-zA-Z0-9_.-]", nullable: false)!);

    /// <summary>
    /// image_driver: docker (also for null and "None") or glance, which needs Keystone (the service reaches Glance with
    /// its [keystone_authtoken] user): in noauth mode it is refused.
    /// </summary>
    internal static string ImageDriver(JsonNode? node, ZunConfig config)
    {
        if (node is null || (Schema.Kind(node) == System.Text.Json.JsonValueKind.String && node.GetValue<string>() == "None")) { return "docker"; }
        var driver = Schema.Enum("image_driver", node, "docker", "glance");
        return driver == "glance" && config.NoAuth ? throw GlanceUnavailable() : driver;
    }

    /// <summary>What a glance image driver is answered with where the service has no Glance.</summary>
    internal static Invalid GlanceUnavailable() => new("The glance image driver is not available on this service; use image_driver docker.");

    private static Dictionary<string, string>? StoredRestartPolicy(JsonNode? node)
    {
        var obj = Schema.Object("restart_policy", node);
        if (obj is null) { return null; }
        Schema.NoAdditional(obj, ["Name", "MaximumRetryCount"]);
        if (!obj.ContainsKey("Name")) { throw new SchemaValidationError("'Name' is a required property"); }
        var name = Schema.Enum("restart_policy/Name", obj["Name"], [.. RestartPolicy.Names]);
        var count = obj.ContainsKey("MaximumRetryCount") ? Schema.IntOrDigits("restart_policy/MaximumRetryCount", obj["MaximumRetryCount"], 0, int.MaxValue) : 0;
        var policy = RestartPolicy.Parse(name, count)!;
        if (!policy.IsValid)
        {
            throw new Invalid($"maximum retry count not valid with restart policy of {name}");
        }
        return new Dictionary<string, string>
        {
            ["Name"] = policy.Spelling,
            ["MaximumRetryCount"] = policy.MaximumRetryCount.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static JsonObject? Healthcheck(JsonNode? node)
    {
        var obj = Schema.Object("healthcheck", node);
        if (obj is null) { return null; }
        Schema.NoAdditional(obj, ["cmd", "interval", "retries", "timeout"]);
        return new JsonObject
        {
            ["test"] = Schema.String("healthcheck/cmd", obj["cmd"]),
            ["interval"] = obj.ContainsKey("interval") ? Schema.IntOrDigits("healthcheck/interval", obj["interval"], 0, int.MaxValue) : 0,
            ["retries"] = obj.ContainsKey("retries") ? Schema.IntOrDigits("healthcheck/retries", obj["retries"], 0, int.MaxValue) : 0,
            ["timeout"] = obj.ContainsKey("timeout") ? Schema.IntOrDigits("healthcheck/timeout", obj["timeout"], 0, RequestLimits.MaxTimeoutSeconds) : 0,
        };
    }

    private static JsonObject? ExposedPorts(JsonNode? node)
    {
        var obj = Schema.Object("exposed_ports", node);
        if (obj is null) { return null; }
        foreach (var (key, _) in obj)
        {
            var parts = key.Split('/');
            if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535
                || (parts.Length == 2 && parts[1] is not ("tcp" or "udp")))
            {
                throw new InvalidValue($"Invalid exposed port: {key}");
            }
        }
        return (JsonObject)obj.DeepClone();
    }

    private static readonly string[] Greek = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
        "nu", "xi", "omicron", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega"];

    public static string RandomName() => $"{Greek[Random.Shared.Next(Greek.Length)]}-{Random.Shared.Next(1, 25)}-container";
}
