using System.Diagnostics;
using System.Globalization;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// A Docker engine of the test's own, so that a test may restart it or fill its disk without touching the engine
/// every other test (and the user) shares: its own dockerd and containerd, its data root on a loop-mounted ext4
/// file system of a fixed size, its own bridge (no iptables rules: published ports go through docker-proxy, which is
/// all a cloud on loopback needs), its own socket. Needs root, <c>dockerd</c> and <c>mkfs.ext4</c>.
/// <see cref="DisposeAsync"/> removes everything it made: containers, the daemons, the mount, the bridge, the files.
/// </summary>
public sealed class PrivateEngine : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);
    private readonly string _dir;
    private readonly string _bridge;
    private readonly HashSet<string> _containers = [];
    private Process? _dockerd;

    private PrivateEngine(string dir, string bridge)
    {
        _dir = dir;
        _bridge = bridge;
    }

    public string Host => "unix://" + Path.Combine(_dir, "sock");
    public string DataRoot => Path.Combine(_dir, "data");
    private string ExecRoot => Path.Combine(_dir, "exec");
    private string Log => Path.Combine(_dir, "dockerd.log");

    /// <summary>DOCKER_HOST for the docker CLI and <c>./dockstack</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DOCKER_HOST"] = Host };

    /// <summary>Starts an engine whose data root holds at most <paramref name="diskBytes"/>.</summary>
    public static async Task<PrivateEngine> StartAsync(long diskBytes, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        // Short: the engine's unix sockets live under it, and a socket path has at most 107 characters.
        var engine = new PrivateEngine($"/var/tmp/dsk-{id}", $"dskt{id}");
        try
        {
            Directory.CreateDirectory(engine.DataRoot);
            Directory.CreateDirectory(engine.ExecRoot);
            var image = Path.Combine(engine._dir, "disk.ext4");
            await RootAsync(cancellationToken, "truncate", "-s", diskBytes.ToString(CultureInfo.InvariantCulture), image);
            await RootAsync(cancellationToken, "mkfs.ext4", "-q", "-F", "-m", "0", image);
            await RootAsync(cancellationToken, "mount", "-o", "loop", image, engine.DataRoot);
            var subnet = await FreeSubnetAsync(cancellationToken);
            await RootAsync(cancellationToken, "ip", "link", "add", engine._bridge, "type", "bridge");
            await RootAsync(cancellationToken, "ip", "addr", "add", $"{subnet}.1/24", "dev", engine._bridge);
            await RootAsync(cancellationToken, "ip", "link", "set", engine._bridge, "up");
            await engine.StartDaemonAsync(cancellationToken);
            return engine;
        }
        catch
        {
            await engine.DisposeAsync();
            throw;
        }
    }

    /// <summary>The engine stopped as a service manager stops it (SIGTERM: it stops its containers, then exits), then
    /// started again.</summary>
    public Task RestartAsync(CancellationToken cancellationToken) => RestartAsync("TERM", cancellationToken);

    /// <summary>The engine killed (SIGKILL: its containers keep running under their shims until it comes back and
    /// finds them), then started again.</summary>
    public Task KillAndStartAsync(CancellationToken cancellationToken) => RestartAsync("KILL", cancellationToken);

    /// <summary>Takes every byte the data root has left but <paramref name="leaveBytes"/>; <see cref="Unfill"/> gives it back.</summary>
    public async Task FillAsync(long leaveBytes, CancellationToken cancellationToken)
    {
        await RootAsync(cancellationToken, "fallocate", "-l", Math.Max(1, FreeBytes - leaveBytes).ToString(CultureInfo.InvariantCulture), FillerPath);
    }

    public void Unfill() => File.Delete(FillerPath);

    private long FreeBytes => new DriveInfo(DataRoot).AvailableFreeSpace;

    private string FillerPath => Path.Combine(DataRoot, "dockstack-test-filler");

    /// <summary>The docker CLI against this engine.</summary>
    public Task<ProcessResult> DockerAsync(CancellationToken cancellationToken, params string[] arguments) =>
        ProcessRunner.RunAsync("docker", arguments, new ProcessOptions
        {
            Environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = Host },
            Timeout = TimeSpan.FromMinutes(5),
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = cts.Token;
        if (_dockerd is { HasExited: false })
        {
            foreach (var id in await RememberContainersAsync(ct))
            {
                await DockerAsync(ct, "rm", "-f", "-v", id);
            }
            await StopDaemonAsync("TERM", ct);
        }
        // A container the engine could not remove (it did not come back): its processes, by its own cgroup.
        foreach (var id in _containers)
        {
            KillCgroup(id);
        }
        // What the daemons started and left (a containerd, shims of killed containers): found by our own paths.
        await TryAsync(ct, "pkill", "-KILL", "-f", _dir + "/");
        await TryAsync(ct, "umount", "-R", "-l", DataRoot);
        await TryAsync(ct, "umount", "-R", "-l", ExecRoot);
        await TryAsync(ct, "ip", "link", "del", _bridge);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a mount still busy: the lazy unmount above finishes it; the files are gone at the next attempt
        }
    }

    private async Task RestartAsync(string signal, CancellationToken cancellationToken)
    {
        await RememberContainersAsync(cancellationToken);
        await StopDaemonAsync(signal, cancellationToken);
        await StartDaemonAsync(cancellationToken);
    }

    private async Task StartDaemonAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dockerd")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--data-root", DataRoot, "--exec-root", ExecRoot, "--pidfile", Path.Combine(_dir, "dockerd.pid"),
            "-H", Host, "--bridge", _bridge, "--iptables=false", "--ip-masq=false", "--storage-driver", "overlay2",
        })
        {
            start.ArgumentList.Add(argument);
        }
        var dockerd = Process.Start(start) ?? throw new InvalidOperationException("could not start dockerd");
        _dockerd = dockerd;
        var log = File.AppendText(Log);
        dockerd.OutputDataReceived += (_, e) => Append(log, e.Data);
        dockerd.ErrorDataReceived += (_, e) => Append(log, e.Data);
        dockerd.BeginOutputReadLine();
        dockerd.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (dockerd.HasExited)
            {
                throw new InvalidOperationException($"the test's dockerd exited with {dockerd.ExitCode}:\n{ReadLog()}");
            }
            if ((await DockerAsync(cancellationToken, "version", "--format", "{{.Server.Version}}")).ExitCode == 0)
            {
                return;
            }
            await Task.Delay(500, cancellationToken);
        }
        throw new TimeoutException($"the test's dockerd did not answer within 60 s:\n{ReadLog()}");
    }

    private async Task StopDaemonAsync(string signal, CancellationToken cancellationToken)
    {
        if (_dockerd is not { } dockerd || dockerd.HasExited)
        {
            return;
        }
        await RootAsync(cancellationToken, "kill", $"-{signal}", dockerd.Id.ToString(CultureInfo.InvariantCulture));
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(StopTimeout);
        await dockerd.WaitForExitAsync(wait.Token);
        dockerd.Dispose();
        _dockerd = null;
        // dockerd's own containerd outlives it for a moment; a dockerd started before it is gone cannot start another.
        var containerd = Path.Combine(ExecRoot, "containerd");
        while (!wait.IsCancellationRequested
            && (await ProcessRunner.RunAsync("pgrep", ["-f", containerd], new ProcessOptions(), cancellationToken)).ExitCode == 0)
        {
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>The engine's containers, remembered so that <see cref="DisposeAsync"/> can end them even without it.</summary>
    private async Task<IReadOnlyList<string>> RememberContainersAsync(CancellationToken cancellationToken)
    {
        var ids = (await DockerAsync(cancellationToken, "ps", "-aq", "--no-trunc")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        _containers.UnionWith(ids);
        return ids;
    }

    /// <summary>SIGKILL to every process of a container of ours, found by its cgroup (v1: a hierarchy per controller,
    /// <c>docker/ID</c>; v2: <c>docker-ID.scope</c>), thawed first in case it was paused.</summary>
    private static void KillCgroup(string id)
    {
        foreach (var freezer in Directory.Exists($"/sys/fs/cgroup/freezer/docker/{id}")
            ? Directory.EnumerateFiles($"/sys/fs/cgroup/freezer/docker/{id}", "freezer.state", SearchOption.AllDirectories) : [])
        {
            TryWrite(freezer, "THAWED");
        }
        foreach (var root in new[] { $"/sys/fs/cgroup/pids/docker/{id}", $"/sys/fs/cgroup/system.slice/docker-{id}.scope" })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }
            if (File.Exists(Path.Combine(root, "cgroup.kill")))
            {
                TryWrite(Path.Combine(root, "cgroup.kill"), "1");
            }
            foreach (var procs in Directory.EnumerateFiles(root, "cgroup.procs", SearchOption.AllDirectories))
            {
                foreach (var pid in File.ReadAllLines(procs))
                {
                    try
                    {
                        Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture)).Kill();
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        // gone already
                    }
                }
            }
        }
    }

    private static void TryWrite(string path, string value)
    {
        try
        {
            File.WriteAllText(path, value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // best effort
        }
    }

    private string ReadLog()
    {
        try
        {
            return ProcessRunner.Tail(File.ReadAllText(Log), 20);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (log)
        {
            log.WriteLine(line);
            log.Flush();
        }
    }

    /// <summary>A 10.249.X.0/24 no route of the host uses yet.</summary>
    private static async Task<string> FreeSubnetAsync(CancellationToken cancellationToken)
    {
        var routes = (await RootAsync(cancellationToken, "ip", "-4", "route", "show")).Stdout;
        for (var x = Random.Shared.Next(0, 256); ; x = (x + 1) % 256)
        {
            var subnet = $"10.249.{x}";
            if (!routes.Contains(subnet + ".", StringComparison.Ordinal))
            {
                return subnet;
            }
        }
    }

    private static async Task<ProcessResult> RootAsync(CancellationToken cancellationToken, string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, new ProcessOptions { Timeout = TimeSpan.FromMinutes(2) }, cancellationToken);
        return result.ExitCode == 0 ? result : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)}: {result}");
    }

    private static async Task TryAsync(CancellationToken cancellationToken, string program, params string[] arguments)
    {
        try
        {
            await ProcessRunner.RunAsync(program, arguments, new ProcessOptions { Timeout = TimeSpan.FromMinutes(1) }, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or System.ComponentModel.Win32Exception)
        {
            // best effort
        }
    }
}
