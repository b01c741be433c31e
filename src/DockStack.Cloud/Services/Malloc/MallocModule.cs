using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Malloc;

/// <summary>
/// glibc's allocator, for every unit of the node: at most two malloc arenas per process
/// (<c>DefaultEnvironment=MALLOC_ARENA_MAX=2</c> for systemd's manager). glibc makes an arena per thread that
/// allocates, up to 8 per core; the services' threads (uwsgi's, oslo's, MariaDB's) each kept memory of their own.
/// </summary>
public sealed class MallocModule : ServiceModule
{
    /// <summary>Read by systemd's manager at boot: it applies to the committed image, not to the build node.</summary>
    public const string ManagerDropIn = "/etc/systemd/system.conf.d/dockstack-malloc.conf";

    public const int ArenaMax = 2;

    public override string Name => "Malloc";

    public override bool IsEnabled(CloudSettings settings) => true;

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) =>
        [NodeFile.Text(ManagerDropIn, $"# dockstack: at most {ArenaMax} malloc arenas per process (see the Malloc module's README)\n[Manager]\nDefaultEnvironment=MALLOC_ARENA_MAX={ArenaMax}\n")];
}
