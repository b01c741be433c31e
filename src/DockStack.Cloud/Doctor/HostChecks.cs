using System.Globalization;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Docker;

namespace DockStack.Cloud.Doctor;

public sealed record CheckResult(string Name, bool Ok, string Detail, string? Fix);

/// <summary>What <c>dockstack doctor</c> checks about the host, each failure with the command that fixes it.</summary>
public sealed class HostChecks(Func<INodeEngine> engineFactory, BaseImageOptions baseOptions)
{
    public const long MinFreeBytes = 10L * 1024 * 1024 * 1024;

    /// <summary>Capability bit numbers (linux/capability.h) of the capabilities a node gets.</summary>
    private static readonly Dictionary<string, int> CapabilityBits = new()
    {
        ["DAC_READ_SEARCH"] = 2,
        ["NET_ADMIN"] = 12,
        ["SYS_PTRACE"] = 19,
        ["SYS_ADMIN"] = 21,
    };

    public async Task<IReadOnlyList<CheckResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<CheckResult>();
        EngineInfo? info = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            info = await engineFactory().GetInfoAsync(timeout.Token);
            results.Add(new CheckResult("Docker engine", true, $"{info.Version} (API {info.ApiVersion}) at {engineFactory().Endpoint.Display}, storage {info.StorageDriver}", null));
        }
        catch (Exception e) when (e is DockerEngineException or OperationCanceledException)
        {
            results.Add(new CheckResult("Docker engine", false, e is OperationCanceledException ? "no answer within 10 s" : e.Message,
                "dockstack doctor --fix   (as root: installs docker.io and starts it; or: sudo apt-get install -y docker.io && sudo systemctl start docker)"));
        }
        if (info is not null)
        {
            results.Add(new CheckResult("cgroup version", info.CgroupVersion is "1" or "2", $"v{info.CgroupVersion} ({info.CgroupDriver} driver); nodes use a private cgroup namespace", null));
            results.Add(DiskCheck(info.RootDir));
        }
        results.Add(CapabilityCheck());
        results.Add(File.Exists("/dev/net/tun")
            ? new CheckResult("/dev/net/tun", true, "present (Neutron and libvirt tap devices)", null)
            : new CheckResult("/dev/net/tun", false, "missing", "sudo mkdir -p /dev/net && sudo mknod /dev/net/tun c 10 200"));
        results.Add(await MirrorCheckAsync(cancellationToken));
        results.Add(ToolCheck());
        results.Add(NativeToolchainCheck());
        return results;
    }

    private static CheckResult DiskCheck(string rootDir)
    {
        try
        {
            var free = new DriveInfo(Directory.Exists(rootDir) ? rootDir : "/").AvailableFreeSpace;
            var gb = (free / 1024.0 / 1024 / 1024).ToString("0.0", CultureInfo.InvariantCulture);
            return free >= MinFreeBytes
                ? new CheckResult("Free disk", true, $"{gb} GB free under {rootDir}", null)
                : new CheckResult("Free disk", false, $"only {gb} GB free under {rootDir}; a cloud needs about 10 GB", "dockstack clean --images --yes; docker system prune");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new CheckResult("Free disk", true, $"cannot measure {rootDir} from here (remote engine?): {e.Message}", null);
        }
    }

    private static CheckResult CapabilityCheck()
    {
        var line = File.Exists("/proc/1/status") ? File.ReadLines("/proc/1/status").FirstOrDefault(l => l.StartsWith("CapBnd:", StringComparison.Ordinal)) : null;
        if (line is null || !ulong.TryParse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
        {
            return new CheckResult("Capabilities", true, "cannot read the host's bounding set; assuming the engine grants " + string.Join(", ", NodeSpec.Capabilities), null);
        }
        var missing = NodeSpec.Capabilities.Where(c => (mask & (1UL << CapabilityBits[c])) == 0).ToList();
        return missing.Count == 0
            ? new CheckResult("Capabilities", true, $"the host's bounding set has {string.Join(", ", NodeSpec.Capabilities)}", null)
            : new CheckResult("Capabilities", false, $"missing from the host's bounding set: {string.Join(", ", missing)}", "run the engine on a host (or VM) whose init keeps these capabilities");
    }

    private async Task<CheckResult> MirrorCheckAsync(CancellationToken cancellationToken)
    {
        var url = $"{baseOptions.Mirror.TrimEnd('/')}/dists/{baseOptions.Suite}/Release";
        try
        {
            using var handler = new HttpClientHandler();
            if (baseOptions.HttpProxy is { } proxy)
            {
                handler.Proxy = new System.Net.WebProxy(proxy);
            }
            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url), cancellationToken);
            return response.IsSuccessStatusCode
                ? new CheckResult("Debian mirror", true, $"{url} answers", null)
                : new CheckResult("Debian mirror", false, $"{url} answered {(int)response.StatusCode}", "set DOCKSTACK_MIRROR (or up --mirror) to a mirror that has the suite");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new CheckResult("Debian mirror", false, $"{url}: {e.Message}", "check the network, or set DOCKSTACK_MIRROR / DOCKSTACK_HTTP_PROXY");
        }
    }

    /// <summary>Not blocking: without gcc the container service is published with ReadyToRun instead of Native AOT.</summary>
    private static CheckResult NativeToolchainCheck() => ZunBundle.CanLinkNative()
        ? new CheckResult("gcc (Native AOT)", true, "present: the container service is compiled ahead of time", null)
        : new CheckResult("gcc (Native AOT)", true, "missing: the container service is built without Native AOT and uses about twice the memory",
            $"sudo apt-get install -y {ZunBundle.NativeToolchainPackages}");

    private static CheckResult ToolCheck()
    {
        var found = HostTools.Find("mmdebstrap");
        return found is not null
            ? new CheckResult("mmdebstrap", true, $"{found} (builds the base image when no registry answers)", null)
            : new CheckResult("mmdebstrap", false, "not installed; needed when no container registry answers", "dockstack doctor --fix   (or: sudo apt-get install -y mmdebstrap)");
    }
}
