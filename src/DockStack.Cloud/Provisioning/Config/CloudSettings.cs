
namespace DockStack.Cloud.Provisioning.Config;

/// <summary>Passwords of the cloud. DevStack asks for each; we default the others to the admin password.</summary>
public sealed record CloudPasswords(string Admin, string Database, string Rabbit, string Service);

/// <summary>The neutron networks DevStack creates by default (IPv4 only here).</summary>
public sealed record NetworkSettings(
    string FixedRange = "10.0.0.0/26",
    string FixedGateway = "10.0.0.1",
    string FloatingRange = "172.24.4.0/24",
    string PublicGateway = "172.24.4.1",
    string PhysicalNetwork = "public");

/// <summary>
/// The typed model of a cloud: what local.conf asked for, resolved and validated. Every config file,
/// package list and health check is derived from it.
/// </summary>
public sealed record CloudSettings
{
    public required CloudPasswords Passwords { get; init; }
    public string Region { get; init; } = "RegionOne";
    public required IReadOnlySet<string> Services { get; init; }
    public bool ContainerServiceEnabled { get; init; }
    public IReadOnlyList<string> Plugins { get; init; } = [];
    public int HorizonPort { get; init; } = 80;
    public NetworkSettings Network { get; init; } = new();
    public string LibvirtType { get; init; } = "qemu";

    /// <summary>post-config settings per rendered file, in file order (later ones win).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LocalConf.IniSetting>> PostConfig { get; init; } =
        new Dictionary<string, IReadOnlyList<LocalConf.IniSetting>>();

    public IReadOnlyList<string> Warnings { get; init; } = [];

    public bool Has(string service) => Services.Contains(service);

    public bool HasAny(params string[] services) => services.Any(Services.Contains);

    /// <summary>A stable text form of everything that shapes the provisioned cloud (an image-layer input).</summary>
    public IEnumerable<string> Fingerprint()
    {
        yield return $"passwords={Passwords.Admin}|{Passwords.Database}|{Passwords.Rabbit}|{Passwords.Service}";
        yield return $"region={Region}";
        yield return $"services={string.Join(',', Services.Order(StringComparer.Ordinal))}";
        yield return $"container={ContainerServiceEnabled}";
        yield return $"network={Network}";
        yield return $"libvirt={LibvirtType}";
        foreach (var (file, settings) in PostConfig.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            foreach (var s in settings)
            {
                yield return $"post-config {file} [{s.Section}] {s.Key}={s.Value}";
            }
        }
    }
}
