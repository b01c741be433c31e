using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Api.Capsules;

/// <summary>
/// A capsule create's <c>template</c> (Zun's capsule template: kind capsule, metadata, spec with containers, init
/// containers, restartPolicy and volumes), checked and turned into the rows to store: the capsule, its sandbox, its init
/// containers in order and its containers, named as Zun names them. Fields newer than the request's microversion are
/// 400 (initContainers 1.34, ports 1.35, stdin/tty 1.37, annotations 1.38). Cinder volumes are refused: Cinder is not
/// part of this cloud.
/// </summary>
public static class CapsuleTemplate
{
    /// <summary>The most containers (init containers included) one capsule may have.</summary>
    public const int MaxContainers = 16;

    /// <summary>The sandbox's memory (MiB): it only holds the network namespace.</summary>
    public const string SandboxMemory = "16";

    private const string NamePattern = "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$";
    private static readonly string[] TemplateKeys = ["kind", "capsuleVersion", "metadata", "spec", "availabilityZone", "restart_policy", "nets"];
    private static readonly string[] SpecKeys = ["containers", "initContainers", "restartPolicy", "volumes"];
    private static readonly (string Field, int MinMinor)[] ContainerKeys =
    [
        ("image", 1), ("name", 1), ("command", 1), ("args", 1), ("resources", 1), ("volumeMounts", 1), ("env", 1), ("workDir", 1),
        ("imagePullPolicy", 1), ("ports", 35), ("stdin", 37), ("tty", 37),
    ];

    /// <summary>The template's restartPolicy and the engine's policy name each stands for.</summary>
    public static readonly IReadOnlyDictionary<string, string> RestartPolicies = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Always"] = "always", ["OnFailure"] = "on-failure", ["Never"] = "no",
    };

    /// <summary>What a create stores: the capsule and its members, the sandbox first, then the init containers in order, then the containers.</summary>
    public sealed record Plan(Capsule Capsule, Container Sandbox, IReadOnlyList<Container> InitContainers, IReadOnlyList<Container> Containers)
    {
        public IReadOnlyList<Container> Members => [Sandbox, .. InitContainers, .. Containers];
    }

    /// <summary>Checks the create's body (<c>{"template": {...}}</c>; the template may also be a JSON string) and plans the rows.</summary>
    public static Plan Parse(JsonNode? body, ZunContext ctx, ZunConfig config, TimeProvider time)
    {
        if (body is not JsonObject obj) { throw body is null ? new SchemaValidationError("'template' is a required property") : Schema.TypeError("", body, "object"); }
        Schema.NoAdditional(obj, ["template"]);
        if (!obj.ContainsKey("template")) { throw new SchemaValidationError("'template' is a required property"); }
        var template = obj["template"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? JsonBody.Parse(v.GetValue<string>()) : obj["template"];
        if (template is not JsonObject tpl) { throw Schema.TypeError("template", template, "object"); }
        Schema.NoAdditional(tpl, TemplateKeys);
        if (tpl["kind"] is not JsonValue kind || kind.GetValueKind() != JsonValueKind.String || kind.GetValue<string>() is not ("capsule" or "Capsule"))
        {
            throw new InvalidCapsuleTemplate("kind fields need to be set as capsule or Capsule");
        }
        Schema.String("template/capsuleVersion", tpl["capsuleVersion"]);
        if (tpl.ContainsKey("availabilityZone")) { Schema.String("template/availabilityZone", tpl["availabilityZone"], 1, 255, nullable: false); }
        if (Schema.Array("template/nets", tpl["nets"]) is { Count: > 0 }) { throw new Invalid("Neutron networks are not available on this service; omit nets (the capsule joins the engine's network)."); }
        if (tpl["spec"] is null) { throw new InvalidCapsuleTemplate("No Spec found"); }
        var spec = Schema.Object("template/spec", tpl["spec"], nullable: false)!;
        Schema.NoAdditional(spec, SpecKeys);
        if (spec.ContainsKey("initContainers") && !ctx.AtLeast(34)) { throw new InvalidParamInVersion("initContainers", ctx.Version.ToString(), "1.34"); }
        RefuseVolumes(spec["volumes"]);

        var now = Times.Now(time);
        var metadata = Schema.Object("template/metadata", tpl["metadata"]) ?? [];
        Schema.NoAdditional(metadata, ctx.AtLeast(38) ? ["name", "labels", "annotations"] : ["name", "labels"]);
        var policyName = RestartPolicyOf(spec, tpl);
        var capsule = new Capsule
        {
            Uuid = Guid.NewGuid().ToString(),
            Name = Schema.String("template/metadata/name", metadata["name"], 2, 255, NamePattern),
            Labels = RequestLimits.Map("labels", Schema.StringMap("template/metadata/labels", metadata["labels"]), RequestLimits.MaxLabels, RequestLimits.MaxLabelValueLength),
            Annotations = RequestLimits.Map("annotations", Schema.StringMap("template/metadata/annotations", metadata["annotations"]), RequestLimits.MaxLabels, RequestLimits.MaxLabelValueLength),
            CapsuleVersion = Schema.String("template/capsuleVersion", tpl["capsuleVersion"]) ?? "beta",
            RestartPolicy = new() { ["Name"] = policyName, ["MaximumRetryCount"] = "0" },
            UserId = ctx.UserId,
            ProjectId = ctx.ProjectId,
            CreatedAt = now,
            TaskState = ContainerTaskState.Creating,
        };
        if (spec["containers"] is null) { throw new InvalidCapsuleTemplate("No valid containers field"); }
        var containerSpecs = Schema.Array("template/spec/containers", spec["containers"], nullable: false)!;
        if (containerSpecs.Count == 0) { throw new InvalidCapsuleTemplate("No valid containers field: a capsule needs at least one container"); }
        var initSpecs = Schema.Array("template/spec/initContainers", spec["initContainers"]) ?? [];
        if (containerSpecs.Count + initSpecs.Count > MaxContainers)
        {
            throw new InvalidCapsuleTemplate($"a capsule has at most {MaxContainers} containers, init containers included");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        var prefix = "capsule-" + (capsule.Name ?? capsule.Uuid) + "-";
        string MemberName()
        {
            string name;
            do { name = prefix + ContainerCreateParser.RandomName(); } while (!names.Add(name));
            return name;
        }
        // Init containers run to completion: always is retried on failure only, and never forever.
        var initPolicy = policyName == "no" ? capsule.RestartPolicy : new Dictionary<string, string> { ["Name"] = "on-failure", ["MaximumRetryCount"] = "10" };
        var inits = initSpecs.Select((s, i) => Member($"template/spec/initContainers/{i}", s, capsule, initPolicy, MemberName(), ctx, config, now)).ToList();
        var containers = containerSpecs.Select((s, i) => Member($"template/spec/containers/{i}", s, capsule, capsule.RestartPolicy, MemberName(), ctx, config, now)).ToList();
        var requests = containerSpecs.Select(Requests).ToList();
        var initRequests = initSpecs.Select(Requests).ToList();
        // Zun's sizing: the containers' requests added up, or the largest init container's when that is more.
        capsule.Cpu = Math.Max(requests.Sum(r => r.Cpu), initRequests.Select(r => r.Cpu).DefaultIfEmpty(0).Max());
        capsule.Memory = Math.Max(requests.Sum(r => r.Memory), initRequests.Select(r => r.Memory).DefaultIfEmpty(0).Max()).ToString(CultureInfo.InvariantCulture);
        var sandbox = Sandbox(capsule, prefix + "sandbox", containerSpecs, config, now);
        capsule.SandboxUuid = sandbox.Uuid;
        capsule.InitContainerUuids = inits.Select(c => c.Uuid).ToList();
        capsule.ContainerUuids = containers.Select(c => c.Uuid).ToList();
        return new Plan(capsule, sandbox, inits, containers);
    }

    /// <summary>The engine's policy name of the spec's restartPolicy (or the legacy top-level restart_policy); Always when none.</summary>
    private static string RestartPolicyOf(JsonObject spec, JsonObject tpl)
    {
        if (spec["restartPolicy"] is { } given)
        {
            var text = Schema.Kind(given) == JsonValueKind.String ? given.GetValue<string>() : null;
            return text is not null && RestartPolicies.TryGetValue(text, out var name)
                ? name
                : throw new InvalidCapsuleTemplate($"restartPolicy must be one of {string.Join(", ", RestartPolicies.Keys)}, not {PyRepr.Str(given)}");
        }
        var legacy = Schema.String("template/restart_policy", tpl["restart_policy"]);
        return legacy is null ? "always" : RestartPolicies.Values.Contains(legacy) ? legacy
            : throw new InvalidCapsuleTemplate($"restart_policy must be one of {string.Join(", ", RestartPolicies.Values)}, not {legacy}");
    }

    /// <summary>Any volume is a Cinder volume (the only provider capsules have), and Cinder is not part of this cloud.</summary>
    private static void RefuseVolumes(JsonNode? node)
    {
        var volumes = Schema.Array("template/spec/volumes", node);
        if (volumes is null || volumes.Count == 0) { return; }
        var first = volumes[0] as JsonObject;
        var name = first?["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : "0";
        throw new Invalid($"{ContainerMounts.CinderRefused} (spec.volumes has the Cinder volume {DockerReference.Printable(name)}). "
            + "Remove volumes and volumeMounts from the template.");
    }

    private sealed record Request(double Cpu, long Memory);

    private static Request Requests(JsonNode? spec)
    {
        var requests = (spec as JsonObject)?["resources"]?["requests"];
        return new Request(
            requests?["cpu"] is { } cpu ? Schema.Number("resources/requests/cpu", cpu, 0.1, 16) : 0,
            requests?["memory"] is { } memory ? Schema.IntOrDigits("resources/requests/memory", memory, 4, int.MaxValue) : 0);
    }

    private static Container Member(string field, JsonNode? node, Capsule capsule, Dictionary<string, string> restartPolicy, string name,
        ZunContext ctx, ZunConfig config, DateTime now)
    {
        var spec = Schema.Object(field, node, nullable: false)!;
        foreach (var (key, min) in ContainerKeys)
        {
            if (spec.ContainsKey(key) && !ctx.AtLeast(min)) { throw new InvalidParamInVersion(key, ctx.Version.ToString(), $"1.{min}"); }
        }
        Schema.NoAdditional(spec, ContainerKeys.Where(k => ctx.AtLeast(k.MinMinor)).Select(k => k.Field).ToList());
        if (!spec.ContainsKey("image")) { throw new InvalidCapsuleTemplate($"{field} has no image: every container needs one"); }
        if (Schema.Array($"{field}/volumeMounts", spec["volumeMounts"]) is { Count: > 0 })
        {
            throw new Invalid($"{ContainerMounts.CinderRefused} ({field} has volumeMounts). Remove volumes and volumeMounts from the template.");
        }
        Schema.String($"{field}/name", spec["name"], 1, 255);
        var resources = Schema.Object($"{field}/resources", spec["resources"]);
        if (resources is not null) { Schema.NoAdditional(resources, ["requests", "limits"]); }
        var requests = Schema.Object($"{field}/resources/requests", resources?["requests"]);
        if (requests is not null) { Schema.NoAdditional(requests, ["cpu", "memory"]); }
        Ports(field, spec["ports"]);
        var command = Schema.StringList($"{field}/command", spec["command"]);
        var args = Schema.StringList($"{field}/args", spec["args"]);
        var pull = spec["imagePullPolicy"] is { } p ? Schema.Enum($"{field}/imagePullPolicy", p, "Always", "IfNotPresent", "Never", "always", "ifnotpresent", "never").ToLowerInvariant() : null;
        if (pull is not null) { Policy.Enforce(ctx, "container:create:image_pull_policy"); }
        // Before 1.37 Zun gave every capsule container stdin; from it, stdin and tty are the template's.
        var stdin = ctx.AtLeast(37) ? spec.ContainsKey("stdin") && Schema.Bool($"{field}/stdin", spec["stdin"]) : true;
        var c = new Container
        {
            Uuid = Guid.NewGuid().ToString(),
            Name = name,
            Image = ContainerCreateParser.Image(spec["image"]),
            Command = RequestLimits.Command($"{field}/command", command is null ? args : args is null ? command : [.. command, .. args]),
            Cpu = requests?["cpu"] is { } cpu ? Schema.Number($"{field}/resources/requests/cpu", cpu, 0.1, 16) : config.DefaultCpu,
            Memory = (requests?["memory"] is { } memory ? Schema.IntOrDigits($"{field}/resources/requests/memory", memory, 4, config.MaxMemory) : config.DefaultMemory)
                .ToString(CultureInfo.InvariantCulture),
            Environment = RequestLimits.Map("environment", Schema.StringMap($"{field}/env", spec["env"]), RequestLimits.MaxEnvironmentVariables, RequestLimits.MaxEnvironmentValueLength),
            Workdir = Schema.String($"{field}/workDir", spec["workDir"]),
            RestartPolicy = new Dictionary<string, string>(restartPolicy),
            Interactive = stdin,
            Tty = ctx.AtLeast(37) && spec.ContainsKey("tty") && Schema.Bool($"{field}/tty", spec["tty"]),
            ImagePullPolicy = pull,
            ImageDriver = "docker",
            AutoRemove = false,
            AutoHeal = false,
            Privileged = false,
            Runtime = config.ContainerRuntime,
            UserId = capsule.UserId,
            ProjectId = capsule.ProjectId,
            CreatedAt = now,
            CapsuleId = capsule.Uuid,
        };
        c.CommandFromUser = c.Command is not null;
        return c;
    }

    /// <summary>ports (1.35): each a containerPort (1-65535), with an optional hostPort, protocol TCP or UDP and name.</summary>
    private static void Ports(string field, JsonNode? node)
    {
        var ports = Schema.Array($"{field}/ports", node);
        for (var i = 0; i < (ports?.Count ?? 0); i++)
        {
            var port = Schema.Object($"{field}/ports/{i}", ports![i], nullable: false)!;
            Schema.NoAdditional(port, ["containerPort", "hostPort", "protocol", "name"]);
            if (!port.ContainsKey("containerPort")) { throw new SchemaValidationError($"Invalid input for field '{field}/ports/{i}'. 'containerPort' is a required property"); }
            Schema.IntOrDigits($"{field}/ports/{i}/containerPort", port["containerPort"], 1, 65535);
            if (port.ContainsKey("hostPort")) { Schema.IntOrDigits($"{field}/ports/{i}/hostPort", port["hostPort"], 1, 65535); }
            if (port.ContainsKey("protocol")) { Schema.Enum($"{field}/ports/{i}/protocol", port["protocol"], "TCP", "UDP"); }
            Schema.String($"{field}/ports/{i}/name", port["name"]);
        }
    }

    /// <summary>
    /// The sandbox: <c>[DEFAULT] sandbox_image</c> running <c>sandbox_command</c>, small, with the containers' ports as its
    /// exposed ports (they share its network namespace). It keeps running whatever the capsule's restart policy.
    /// </summary>
    private static Container Sandbox(Capsule capsule, string name, JsonArray containerSpecs, ZunConfig config, DateTime now)
    {
        var exposed = new JsonObject();
        foreach (var spec in containerSpecs.OfType<JsonObject>())
        {
            foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var protocol = port["protocol"] is JsonValue pv ? pv.GetValue<string>().ToLowerInvariant() : "tcp";
                exposed[$"{Schema.IntOrDigits("containerPort", port["containerPort"], 1, 65535)}/{protocol}"] = new JsonObject();
            }
        }
        var command = config.SandboxCommand.Length == 0 ? null : Shlex.Split(config.SandboxCommand);
        return new Container
        {
            Uuid = Guid.NewGuid().ToString(),
            Name = name,
            Image = config.SandboxImage,
            Command = command,
            CommandFromUser = command is not null,
            Cpu = 0,
            Memory = SandboxMemory,
            RestartPolicy = new() { ["Name"] = "always", ["MaximumRetryCount"] = "0" },
            ImageDriver = "docker",
            AutoRemove = false,
            AutoHeal = false,
            Privileged = false,
            Runtime = config.ContainerRuntime,
            ExposedPorts = exposed.Count == 0 ? null : exposed,
            UserId = capsule.UserId,
            ProjectId = capsule.ProjectId,
            CreatedAt = now,
            CapsuleId = capsule.Uuid,
        };
    }
}
