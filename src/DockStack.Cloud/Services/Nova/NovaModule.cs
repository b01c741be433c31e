using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.PythonZygote;

namespace DockStack.Cloud.Services.Nova;

/// <summary>Nova: api, metadata api, conductor, scheduler, compute (libvirt, QEMU in software emulation), noVNC proxy; cells v2.</summary>
public sealed class NovaModule : ServiceModule
{
    /// <summary>DevStack's names of Nova's services.</summary>
    public const string Api = "n-api";
    public const string Metadata = "n-api-meta";
    public const string Conductor = "n-cond";
    public const string Scheduler = "n-sch";
    public const string Compute = "n-cpu";
    public const string NoVnc = "n-novnc";

    /// <summary>Nova's Python services fork from one zygote (../PythonZygote): its API (served by eventlet, not uwsgi),
    /// compute, conductor with scheduler, and noVNC.</summary>
    public static readonly PythonZygoteModule.Project Zygote = new("nova", "nova.monkey_patch",
        ["nova.cmd.compute", "nova.compute.manager", "nova.virt.libvirt.driver", "nova.conductor.manager", "nova.scheduler.manager",
            "nova.cmd.novncproxy", "nova.console.websocketproxy", "nova.api.openstack.wsgi_app"],
        [Api, Conductor, Scheduler, Compute, NoVnc],
        ["nova-conductor", "nova-scheduler", "nova-compute", "nova-novncproxy"]);

    public const string Url = "http://127.0.0.1:8774";

    public override string Name => "Nova";

    public override IReadOnlyList<string> DevStackNames { get; } = [Api, Metadata, Conductor, Scheduler, Compute, NoVnc];

    public override IReadOnlyDictionary<string, string[]> DevStackGroups { get; } = One("nova", Api, Metadata, Conductor, Scheduler, Compute, NoVnc);

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [Api] = ["nova-api"],
        [Metadata] = ["nova-api"], // trixie: nova-api ships nova-api-metadata.service
        [Conductor] = ["nova-conductor"],
        [Scheduler] = ["nova-scheduler"],
        [Compute] = ["nova-compute", "nova-compute-qemu"],
        [NoVnc] = ["nova-novncproxy"],
    };

    public override IReadOnlyList<string> Preseeds { get; } = ["nova-consoleproxy nova-consoleproxy/daemon_type select novnc"];

    /// <summary>
    /// nova-compute-qemu depends on the <c>qemu-system</c> metapackage, which pulls the system emulators of every
    /// architecture (426 MB); a node only runs x86_64 guests, so only that emulator is unpacked. Debian's novnc depends on
    /// nodejs for its build tools; the proxy serves noVNC's JavaScript to the browser and never runs node, so Node.js's
    /// library (53 MB) is not unpacked either.
    /// </summary>
    public override IReadOnlyList<string> PathFilters(CloudSettings settings) =>
    [
        .. settings.Has(Compute) ? ["path-exclude /usr/bin/qemu-system-*", "path-include /usr/bin/qemu-system-x86_64"] : Array.Empty<string>(),
        .. settings.Has(NoVnc) ? ["path-exclude /usr/lib/x86_64-linux-gnu/libnode.so*"] : Array.Empty<string>(),
    ];

    public override IReadOnlyList<string> UnusedUnits { get; } =
    [
        "nova-serialproxy.service", "nova-spicehtml5proxy.service", "iscsid.socket", "iscsid.service", "open-iscsi.service", "libvirt-guests.service",
    ];

    public override IReadOnlyList<CloudService> Units { get; } =
    [
        new("nova-api", Api, "nova-api.service", 8774, "/", true),
        new("nova-api-metadata", Metadata, "nova-api-metadata.service", 8775, "/"),
        new("nova-conductor", Conductor, "nova-conductor.service", Heartbeat: "nova:nova-conductor"),
        new("nova-scheduler", Scheduler, "nova-scheduler.service", Heartbeat: "nova:nova-scheduler"),
        new("libvirtd", Compute, "libvirtd.service"),
        new("nova-compute", Compute, "nova-compute.service", Heartbeat: "nova:nova-compute"),
        new("nova-novncproxy", NoVnc, "nova-novncproxy.service", 6080, "/vnc_auto.html", true),
    ];

    /// <summary>Nova's metadata API is served by the nova-api process, and nova-scheduler runs in nova-conductor's, when both
    /// of a pair are enabled: one Python process (~115 MB) fewer each (NovaStep, README.md in this folder).</summary>
    public override IReadOnlyList<CloudService> UnitsFor(CloudSettings settings) => base.UnitsFor(settings).Select(u => u.DevStackName switch
    {
        Metadata when SharesNovaApi(settings) => u with { Unit = "nova-api.service" },
        Scheduler when SharesConductor(settings) => u with { Unit = "nova-conductor.service" },
        _ => u,
    }).ToList();

    public static bool SharesNovaApi(CloudSettings settings) => settings.Has(Api) && settings.Has(Metadata);

    public static bool SharesConductor(CloudSettings settings) => settings.Has(Conductor) && settings.Has(Scheduler);

    public override IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) =>
        [new("nova_api", "nova"), new("nova", "nova"), new("nova_cell0", "nova")];

    public static IReadOnlyList<KeystoneEntry> Entries(CloudSettings settings) =>
        [new("nova", settings.Has(Api) ? new CatalogEntry("nova", "compute", "Compute service", Url + "/v2.1") : null)];

    public override IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings) => Entries(settings);

    public override IReadOnlyList<ConfigFile> ConfigFiles { get; } = [NovaConfig.File];

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => NovaStep.Files(settings);

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new NovaStep(), new DiscoverHostsStep(), new FlavorsStep()];
}
