using System.Globalization;

namespace DockStack.Zun.Conf;

/// <summary>
/// Zun's options, read from zun.conf with Zun's section and option names where Zun has them.
/// Every value is checked when the file is loaded; a bad one stops the start with a message naming it.
/// </summary>
public sealed record ZunConfig
{
    // [DEFAULT]
    public string Host { get; init; } = Environment.MachineName;
    public string? TransportUrl { get; init; }
    public string AuthStrategy { get; init; } = "keystone";
    public string StatePath { get; init; } = "/var/lib/zun";
    public int ServiceDownTime { get; init; } = 180;
    public int ReportInterval { get; init; } = 10;
    public double DefaultCpu { get; init; } = 1.0;
    public int DefaultMemory { get; init; } = 512;
    public string ContainerRuntime { get; init; } = "runc";
    public string DefaultAvailabilityZone { get; init; } = "nova";
    /// <summary>The image of a capsule's sandbox, the container that holds its network namespace (Zun's option; Zun's
    /// default, kubernetes/pause, is on a registry: here the image the cloud ships).</summary>
    public string SandboxImage { get; init; } = "cirros";
    /// <summary>What the sandbox runs, shell-quoted (DockStack's own option): a process that waits until stopped. Empty: the image's own command.</summary>
    public string SandboxCommand { get; init; } = DefaultSandboxCommand;
    public const string DefaultSandboxCommand = "sh -c \"trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done\"";
    /// <summary>
    /// Seconds the process may take to reach what it needs at start (the database; for compute the Docker engine and the
    /// message broker) before it exits non-zero for its supervisor to start it again (DockStack's own option).
    /// </summary>
    public int StartupTimeout { get; init; } = 90;

    /// <summary><c>[DEFAULT] rpc_response_timeout</c> (oslo.messaging's name and default): how long the api waits for a
    /// compute agent's answer to a call whose operation has no longer deadline of its own.</summary>
    public int RpcResponseTimeout { get; init; } = 60;

    // [api]
    public string ApiHost { get; init; } = "127.0.0.1";
    public int ApiPort { get; init; } = 9517;
    public int MaxLimit { get; init; } = 1000;
    public bool EnableImageValidation { get; init; } = true;

    // [database]
    public string DatabaseConnection { get; init; } = "";

    // [docker]
    public string DockerApiUrl { get; init; } = "unix:///var/run/docker.sock";
    public int ExecuteTimeout { get; init; } = 5;
    public int DockerDefaultTimeout { get; init; } = 60;
    /// <summary>Each project's guests on a bridge network of their own (DockStack's own option; off: the engine's default bridge).</summary>
    public bool ProjectNetworks { get; init; }

    // [compute]
    public int SyncContainerStateInterval { get; init; } = 60;
    /// <summary>The most memory (MiB) a container may be given on create, update or resize (DockStack's own option).</summary>
    public int MaxMemory { get; init; } = 8192;
    /// <summary>The most processes and threads each container may run (DockStack's own option): a fork bomb stops there.</summary>
    public int PidsLimit { get; init; } = 1024;

    // [websocket_proxy]
    /// <summary>Where the console proxy listens (the process that runs compute: <c>zun compute</c> or <c>zun all</c>).</summary>
    public string WsproxyHost { get; init; } = "0.0.0.0";
    /// <summary>The console proxy's port; 0 takes any free one (the URLs then name the port taken).</summary>
    public int WsproxyPort { get; init; } = 6784;
    /// <summary>The start of the URLs clients are given (Zun's <c>base_url</c>); unset, <c>ws://127.0.0.1:&lt;wsproxy_port&gt;/</c>.</summary>
    public string? WsproxyBaseUrl { get; init; }

    // [network]
    /// <summary>Zun's <c>[network] driver</c>: <c>kuryr</c> puts containers on Neutron networks (through the engine's <c>kuryr</c>
    /// driver, <c>zun kuryr</c>); <c>docker</c> (DockStack's default) on the engine's own bridges.</summary>
    public string NetworkDriver { get; init; } = "docker";

    public bool Kuryr => NetworkDriver == "kuryr";

    // [kuryr]
    /// <summary>Where <c>zun kuryr</c> serves Docker's remote network and IPAM driver (the file name is the driver's name).</summary>
    public string KuryrSocket { get; init; } = "/run/docker/plugins/kuryr.sock";
    /// <summary>The Open vSwitch bridge Neutron's agent wires ports on (its <c>[ovs] integration_bridge</c>).</summary>
    public string KuryrBridge { get; init; } = "br-int";
    /// <summary>How long an endpoint's Join waits for Neutron to say its port is ACTIVE (the agent wired it) before the
    /// container starts, as Nova waits for <c>network-vif-plugged</c>; after it, the container starts anyway (logged). 0: no wait;
    /// at most 25, under the 30 s the engine gives a plugin call.</summary>
    public int KuryrPortActiveTimeout { get; init; } = 20;

    // [keystone_authtoken]
    public string? WwwAuthenticateUri { get; init; }
    public string? KeystoneAuthUrl { get; init; }
    public string? KeystoneUsername { get; init; }
    public string? KeystonePassword { get; init; }
    public string KeystoneProjectName { get; init; } = "service";
    public string KeystoneUserDomainName { get; init; } = "Default";
    public string KeystoneProjectDomainName { get; init; } = "Default";
    /// <summary>Seconds a validated token is trusted without asking Keystone again (keystonemiddleware's name; 0 to 60, default 30).</summary>
    public int TokenCacheTime { get; init; } = 30;

    // [quota]
    public QuotaLimits DefaultQuota { get; init; } = new(40, 51200, 20, 100);

    public bool NoAuth => AuthStrategy == "noauth";

    public string EffectiveDatabaseConnection =>
        string.IsNullOrWhiteSpace(DatabaseConnection) ? $"sqlite:///{Path.Combine(StatePath, "zun.sqlite")}" : DatabaseConnection;

    /// <summary><paramref name="url"/> with its credentials (<c>user:password@</c>) shown as <c>***@</c>, for messages and logs.</summary>
    public static string Redact(string url)
    {
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? url[..(scheme + 3)] + "***@" + url[(at + 1)..] : url;
    }

    public static ZunConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ConfigException($"The configuration file {path} does not exist.");
        }
        return From(IniFile.Parse(File.ReadAllText(path), path));
    }

    public static ZunConfig From(IniFile ini)
    {
        var r = new Reader(ini);
        var config = new ZunConfig
        {
            Host = r.Str("DEFAULT", "host") ?? Environment.MachineName,
            TransportUrl = r.Str("DEFAULT", "transport_url"),
            AuthStrategy = r.Choice("DEFAULT", "auth_strategy", "keystone", "keystone", "noauth"),
            StatePath = r.Str("DEFAULT", "state_path") ?? "/var/lib/zun",
            ServiceDownTime = r.Int("DEFAULT", "service_down_time", 180, 1),
            ReportInterval = r.Int("DEFAULT", "report_interval", 10, 1),
            DefaultCpu = r.Double("DEFAULT", "default_cpu", 1.0),
            DefaultMemory = r.Int("DEFAULT", "default_memory", 512, 4),
            ContainerRuntime = r.Str("DEFAULT", "container_runtime") ?? "runc",
            DefaultAvailabilityZone = r.Str("DEFAULT", "default_availability_zone") ?? "nova",
            SandboxImage = r.Str("DEFAULT", "sandbox_image") ?? "cirros",
            SandboxCommand = ini.Get("DEFAULT", "sandbox_command")?.Trim() ?? DefaultSandboxCommand,
            StartupTimeout = r.Int("DEFAULT", "startup_timeout", 90, 1, 3600),
            RpcResponseTimeout = r.Int("DEFAULT", "rpc_response_timeout", 60, 1, 3600),
            ApiHost = r.Str("api", "host_ip") ?? "127.0.0.1",
            ApiPort = r.Int("api", "port", 9517, 1, 65535),
            MaxLimit = r.Int("api", "max_limit", 1000, 1),
            EnableImageValidation = r.Bool("api", "enable_image_validation", true),
            DatabaseConnection = r.Str("database", "connection") ?? "",
            DockerApiUrl = r.Str("docker", "api_url") ?? "unix:///var/run/docker.sock",
            ExecuteTimeout = r.Int("docker", "execute_timeout", 5, 1),
            DockerDefaultTimeout = r.Int("docker", "default_timeout", 60, 1),
            ProjectNetworks = r.Bool("docker", "project_networks", false),
            SyncContainerStateInterval = r.Int("compute", "sync_container_state_interval", 60, 1),
            MaxMemory = r.Int("compute", "max_memory", 8192, 4),
            PidsLimit = r.Int("compute", "pids_limit", 1024, 16, 4_194_304),
            WsproxyHost = r.Str("websocket_proxy", "wsproxy_host") ?? "0.0.0.0",
            WsproxyPort = r.Int("websocket_proxy", "wsproxy_port", 6784, 0, 65535),
            WsproxyBaseUrl = r.Str("websocket_proxy", "base_url"),
            NetworkDriver = r.Choice("network", "driver", "docker", "docker", "kuryr"),
            KuryrSocket = r.Str("kuryr", "socket") ?? "/run/docker/plugins/kuryr.sock",
            KuryrBridge = r.Str("kuryr", "bridge") ?? "br-int",
            KuryrPortActiveTimeout = r.Int("kuryr", "port_active_timeout", 20, 0, 25),
            WwwAuthenticateUri = r.Str("keystone_authtoken", "www_authenticate_uri") ?? r.Str("keystone_authtoken", "auth_uri"),
            KeystoneAuthUrl = r.Str("keystone_authtoken", "auth_url"),
            KeystoneUsername = r.Str("keystone_authtoken", "username"),
            KeystonePassword = r.Str("keystone_authtoken", "password"),
            KeystoneProjectName = r.Str("keystone_authtoken", "project_name") ?? "service",
            KeystoneUserDomainName = r.Str("keystone_authtoken", "user_domain_name") ?? "Default",
            KeystoneProjectDomainName = r.Str("keystone_authtoken", "project_domain_name") ?? "Default",
            TokenCacheTime = r.Int("keystone_authtoken", "token_cache_time", 30, 0, 60),
            DefaultQuota = new QuotaLimits(
                r.Int("quota", "containers", 40, -1),
                r.Int("quota", "memory", 51200, -1),
                r.Int("quota", "cpu", 20, -1),
                r.Int("quota", "disk", 100, -1)),
        };
        config.Validate();
        return config;
    }

    private void Validate()
    {
        if (!NoAuth)
        {
            if (string.IsNullOrWhiteSpace(KeystoneAuthUrl) || !Uri.TryCreate(KeystoneAuthUrl, UriKind.Absolute, out _))
            {
                throw new ConfigException("[keystone_authtoken] auth_url must be set to the Keystone URL (e.g. http://controller:5000/v3) when [DEFAULT] auth_strategy = keystone; set auth_strategy = noauth for a local run without Keystone.");
            }
            if (string.IsNullOrWhiteSpace(KeystoneUsername) || string.IsNullOrWhiteSpace(KeystonePassword))
            {
                throw new ConfigException("[keystone_authtoken] username and password must be set: zun-api validates tokens with its own service user.");
            }
        }
        if (TransportUrl is { Length: > 0 } t && !t.StartsWith("rabbit://", StringComparison.Ordinal))
        {
            throw new ConfigException($"[DEFAULT] transport_url: '{t}' is not a rabbit:// URL (e.g. rabbit://openstack:secret@controller:5672/).");
        }
        if (WsproxyBaseUrl is { } b && !(Uri.TryCreate(b, UriKind.Absolute, out var u) && u.Scheme is "ws" or "wss" && string.IsNullOrEmpty(u.Query)))
        {
            throw new ConfigException($"[websocket_proxy] base_url: '{b}' is not a ws:// or wss:// URL without a query (e.g. ws://controller:6784/).");
        }
        if (Kuryr && NoAuth)
        {
            throw new ConfigException("[network] driver = kuryr needs Keystone ([DEFAULT] auth_strategy = keystone): Neutron is reached as the service user.");
        }
        if (DefaultMemory > MaxMemory)
        {
            throw new ConfigException($"[DEFAULT] default_memory: {DefaultMemory} MiB is more than [compute] max_memory ({MaxMemory} MiB).");
        }
        Data.DbConnectionString.Translate(EffectiveDatabaseConnection); // throws ConfigException naming [database] connection
    }

    private sealed class Reader(IniFile ini)
    {
        public string? Str(string section, string key) => ini.Get(section, key) is { Length: > 0 } v ? v : null;

        public int Int(string section, string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
        {
            if (Str(section, key) is not { } text) { return fallback; }
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                throw new ConfigException($"[{section}] {key}: '{text}' is not an integer.");
            }
            if (value < min || value > max)
            {
                throw new ConfigException($"[{section}] {key}: {value} is out of range [{min}, {max}].");
            }
            return value;
        }

        public double Double(string section, string key, double fallback)
        {
            if (Str(section, key) is not { } text) { return fallback; }
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new ConfigException($"[{section}] {key}: '{text}' is not a positive number.");
        }

        public bool Bool(string section, string key, bool fallback)
        {
            if (Str(section, key) is not { } text) { return fallback; }
            return Api.BoolParser.TryParse(text) ?? throw new ConfigException($"[{section}] {key}: '{text}' is not a boolean (true/false).");
        }

        public string Choice(string section, string key, string fallback, params string[] choices)
        {
            if (Str(section, key) is not { } text) { return fallback; }
            return choices.Contains(text) ? text : throw new ConfigException($"[{section}] {key}: '{text}' is not one of {string.Join(", ", choices)}.");
        }
    }
}

public sealed record QuotaLimits(int Containers, int Memory, int Cpu, int Disk);
