using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.PrivsepForker;

/// <summary>
/// Neutron's privsep daemons forked from one pre-loaded root process instead of each started through
/// <c>sudo neutron-rootwrap ... privsep-helper</c>.
/// <para>
/// The agents start seven privsep daemons (one per oslo.privsep context they use). Started the stock way, each is a
/// fresh Python that imports Neutron's privileged modules (~2,400 modules, ~3 CPU-seconds, ~109 MiB PSS apiece). The
/// forker imports them once, as root, and forks a child per request; the child runs oslo.privsep's own
/// <c>helper_main</c> with the very arguments the stock helper would get (the agent's config files, the context, the
/// socket path), so the daemon is the same code with the same privileges and capabilities. The agents point each
/// context's <c>helper_command</c> at a small client that hands its arguments to the forker; if the forker does not
/// answer, the client runs the stock helper instead.
/// </para>
/// <para>
/// What this leaves unchanged: the daemon talks to its agent over the agent's own socket, drops to the context's
/// capabilities, and exits when its agent goes away. What changes: the daemons live in this unit's cgroup (so memory per
/// unit shows them here, not under the agent), and they share the imported modules' pages copy-on-write.
/// </para>
/// </summary>
public sealed class PrivsepForkerModule : ServiceModule
{
    public const string Unit = "dockstack-privsep.service";
    public const string Socket = "/run/dockstack-privsep/neutron.sock";
    public const string ServerPath = "/usr/local/lib/dockstack/privsep-forker";
    public const string ClientPath = "/usr/local/lib/dockstack/privsep-fork";

    /// <summary>The DevStack services whose processes start privsep daemons: Neutron's Open vSwitch, DHCP and L3 agents
    /// (the metadata agent starts none).</summary>
    private static readonly string[] Users = ["q-agt", "q-dhcp", "q-l3"];

    /// <summary>Neutron's privsep contexts, by their config section (neutron/privileged/__init__.py).</summary>
    public static readonly IReadOnlyList<string> NeutronSections =
        ["privsep", "privsep_dhcp_release", "privsep_ovs_vsctl", "privsep_namespace", "privsep_conntrack", "privsep_link"];

    public override string Name => "PrivsepForker";

    public override bool IsEnabled(CloudSettings settings) => Runs(settings);

    public static bool Runs(CloudSettings settings) => settings.HasAny(Users);

    /// <summary>neutron.conf settings pointing every context's helper at the client.</summary>
    public static IEnumerable<(string Section, string Key, string Value)> NeutronConf() =>
        NeutronSections.Select(section => (section, "helper_command", ClientPath));

    /// <summary>The unit; its command line names <see cref="ServerPath"/> and <see cref="Socket"/>.</summary>
    public static string UnitFile => Read("PrivsepForker", "Files/dockstack-privsep.service");

    /// <summary>The forker: binds its socket first (clients queue until it accepts), imports, then forks per request.</summary>
    public static string ServerScript => Read("PrivsepForker", "Scripts/privsep-forker");

    /// <summary>
    /// The client, run by the agent as the context's helper_command with <c>--privsep_context C --privsep_sock_path P</c>
    /// appended. It adds the agent's own config files (read from its parent's command line), as the stock helper command
    /// has them, and exits 0 once the daemon is connected; without a forker it runs the stock helper. It names
    /// <see cref="Socket"/>.
    /// </summary>
    public static string ClientScript => Read("PrivsepForker", "Scripts/privsep-fork");

    private static IReadOnlyList<NodeFile> ForkerFiles =>
    [
        NodeFile.Text(ServerPath, ServerScript, NodeFile.Executable),
        NodeFile.Text(ClientPath, ClientScript, NodeFile.Executable),
        NodeFile.Text($"/etc/systemd/system/{Unit}", UnitFile),
    ];

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => ForkerFiles;

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new ForkerStep()];

    /// <summary>The forker started before the agents that use it are (they are configured to, in the steps that follow).</summary>
    private sealed class ForkerStep : IProvisioningStep
    {
        public string Title => "the privsep forker";

        public bool AppliesTo(CloudSettings settings) => true;

        public async Task RunAsync(ProvisioningContext context)
        {
            await context.Node.WriteFilesAsync(ForkerFiles, context.CancellationToken);
            await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], context.CancellationToken);
            await context.StartAsync(Unit);
        }
    }
}
