using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.PythonZygote;

/// <summary>
/// Nova's and Neutron's Python services (their APIs too, served by eventlet instead of uwsgi) forked from one pre-loaded
/// process per project instead of each started as a fresh interpreter that imports the same ~3,000 modules.
/// <para>
/// <c>dockstack-zygote@PROJECT.service</c> runs <c>Scripts/pyzygote</c>: it imports the project's eventlet monkey patch
/// (what the project's own commands import first), then the project's modules, freezes them (<c>gc.freeze()</c>, so the
/// children share their pages copy-on-write) and waits. Each service unit's command becomes <c>Scripts/pyzygote-run
/// PROJECT SCRIPT ARGS</c> (a drop-in): the client hands the script, its arguments, environment, directory and standard
/// streams to the zygote, whose child joins the client's cgroup and user and runs the script as <c>__main__</c>. The
/// client stays the unit's main process, passes on systemd's signals and exits with the service's status; without a
/// zygote it runs the script the stock way.
/// </para>
/// <para>
/// What is preloaded: the modules named below, and every module the project's services had imported a minute after their
/// last start (each child writes that list under <c>/var/lib/dockstack/zygote/PROJECT/</c>). The image build starts every
/// service once, so the committed image carries the lists and a booted node preloads what its services will import.
/// </para>
/// </summary>
public sealed class PythonZygoteModule : ServiceModule
{
    public const string ServerPath = "/usr/local/lib/dockstack/pyzygote";
    public const string ClientPath = "/usr/local/lib/dockstack/pyzygote-run";
    public const string UnitTemplate = "dockstack-zygote@.service";

    /// <summary>A project whose services share a zygote: the module that patches the standard library (the project's
    /// commands import it first), the modules worth importing ahead of the learned lists, the DevStack services that use
    /// it and the names of its Python services' units.</summary>
    public sealed record Project(string Name, string PatchModule, IReadOnlyList<string> Preload, IReadOnlyList<string> Users, IReadOnlyList<string> Services)
    {
        /// <summary>Packages left to the services, learned or not (each with its submodules): modules that must be imported
        /// by their own importer, and every module that imports them.</summary>
        public IReadOnlyList<string> Skip { get; init; } = [];

        public string Unit => $"dockstack-zygote@{Name}.service";

        public bool Runs(CloudSettings settings) => settings.HasAny([.. Users]);

        /// <summary>The unit command that runs <paramref name="script"/> forked from this project's zygote.</summary>
        public string Command(string script) => $"{ClientPath} {Name} {script}";

        /// <summary>
        /// The drop-in that serves a project's API (a unit whose stock command is uwsgi) from a script forked from this
        /// zygote: the script and its arguments replace the stock command, the unit starts after the zygote, and what
        /// the service prints goes to the log file uwsgi wrote (its <c>logto</c>).
        /// </summary>
        public NodeFile ApiDropIn(string unit, string command, string logFile) =>
            NodeFile.Text($"/etc/systemd/system/{unit}.service.d/dockstack.conf",
                $"[Unit]\nWants={Unit}\nAfter={Unit}\n[Service]\nExecStart=\nExecStart={Command(command)}\n" +
                $"StandardOutput=append:{logFile}\nStandardError=append:{logFile}\n");

        /// <summary>
        /// What routes each service through the zygote. Debian's units run <c>/etc/init.d/NAME systemd-start</c>, which
        /// sources <c>/etc/default/NAME</c> after it has set <c>DAEMON</c> and before it runs <c>exec $DAEMON
        /// $DAEMON_ARGS</c>: that file puts the client in front, and the stock arguments stay the package's. A unit whose
        /// command a drop-in replaces (a launcher of ours) takes <see cref="Command"/> there. Every unit starts after the
        /// zygote.
        /// </summary>
        public IEnumerable<NodeFile> ServiceFiles() => Services.SelectMany(name => new[]
        {
            NodeFile.Text($"/etc/default/{name}", $"# dockstack: {name} forked from the {Name} zygote ({UnitTemplate})\nDAEMON=\"{Command("$DAEMON")}\"\n"),
            NodeFile.Text($"/etc/systemd/system/{name}.service.d/zygote.conf", $"[Unit]\nWants={Unit}\nAfter={Unit}\n"),
        });
    }

    /// <summary>The projects whose services fork from a zygote (each project's module defines its own).</summary>
    public IReadOnlyList<Project> Projects { get; }

    public PythonZygoteModule(params Project[] projects) => Projects = projects;

    public override string Name => "PythonZygote";

    public override bool IsEnabled(CloudSettings settings) => Running(settings).Any();

    /// <summary>The projects these settings run a service of.</summary>
    private IEnumerable<Project> Running(CloudSettings settings) => Projects.Where(p => p.Runs(settings));

    /// <summary>The units of the zygotes these settings run.</summary>
    public IReadOnlyList<string> ZygoteUnits(CloudSettings settings) => [.. Running(settings).Select(p => p.Unit)];

    public static string ServerScript => Read("PythonZygote", "Scripts/pyzygote");

    public static string ClientScript => Read("PythonZygote", "Scripts/pyzygote-run");

    public static string UnitFile => Read("PythonZygote", "Files/" + UnitTemplate);

    /// <summary>A project's zygote arguments (the unit template reads them from /etc/dockstack/zygote-PROJECT.env).</summary>
    public static string Environment(Project project) =>
        $"ZYGOTE_MODULES={string.Join(' ', [project.PatchModule, .. project.Preload, .. project.Skip.Select(p => "-" + p)])}\n";

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) =>
    [
        NodeFile.Text(ServerPath, ServerScript, NodeFile.Executable),
        NodeFile.Text(ClientPath, ClientScript, NodeFile.Executable),
        NodeFile.Text($"/etc/systemd/system/{UnitTemplate}", UnitFile),
        .. Running(settings).SelectMany(p => p.ServiceFiles().Prepend(NodeFile.Text($"/etc/dockstack/zygote-{p.Name}.env", Environment(p)))),
    ];

    public override IReadOnlyList<IProvisioningStep> Steps => [new ZygoteStep(this)];

    /// <summary>The zygotes started before the services that fork from them (their steps follow).</summary>
    private sealed class ZygoteStep(PythonZygoteModule module) : IProvisioningStep
    {
        public string Title => "the Python zygotes";

        public bool AppliesTo(CloudSettings settings) => true;

        public async Task RunAsync(ProvisioningContext context)
        {
            await context.Node.WriteFilesAsync(module.Files(context.Settings), context.CancellationToken);
            await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], context.CancellationToken);
            await context.StartAsync([.. module.ZygoteUnits(context.Settings)]);
        }
    }
}
