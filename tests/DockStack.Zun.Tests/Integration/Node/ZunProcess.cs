using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DockStack.TestSupport;

namespace DockStack.Zun.Tests.Integration.Node;

/// <summary>
/// One <c>zun api</c> or <c>zun compute</c> as its own OS process: the built <c>zun</c> executable of
/// src/DockStack.Zun.Host (same configuration as this test assembly), with a config file written for it.
/// Its output is kept for failure messages.
/// </summary>
public sealed class ZunProcess : IAsyncDisposable
{
    private readonly string _role;
    private readonly string _configFile;
    private readonly StringBuilder _log = new();
    private readonly StringBuilder _stderr = new();
    private readonly string? _executable;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    /// <param name="executable">A published <c>zun</c> executable; null runs the built zun.dll with <c>dotnet</c>.</param>
    /// <param name="environment">Extra environment variables (the bench sets runtime knobs this way to compare them).</param>
    public ZunProcess(string role, string configFile, string? executable = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        _role = role;
        _configFile = configFile;
        _executable = executable;
        _environment = environment ?? new Dictionary<string, string>();
    }

    public static string ZunDll { get; } = FindZunDll();

    /// <summary>A 127.0.0.1 port nothing listens on, free a moment ago (for a zun to bind, or for one to find closed).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Pid => _process?.Id ?? throw new InvalidOperationException($"zun {_role} is not running.");

    public bool IsRunning => _process is { HasExited: false };

    public string Log { get { lock (_log) { return _log.ToString(); } } }

    /// <summary>What the process wrote to stderr (an unhandled exception lands here), across its runs.</summary>
    public string Stderr { get { lock (_log) { return _stderr.ToString(); } } }

    /// <summary>Starts the process and waits until <paramref name="ready"/> holds (or it exits, or the timeout passes).</summary>
    public async Task StartAsync(Func<ZunProcess, Task<bool>> ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = Launch();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new InvalidOperationException($"zun {_role} exited with {process.ExitCode} while starting:\n{Log}");
            }
            try
            {
                if (await ready(this)) { return; }
            }
            catch (HttpRequestException) { }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"zun {_role} was not ready within {timeout.TotalSeconds:F0}s:\n{Log}");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Starts the process and waits for it to exit on its own; returns its exit code. Killed past the timeout.</summary>
    public async Task<int> RunToExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = Launch();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"zun {_role} was still running after {timeout.TotalSeconds:F0}s:\n{Log}");
        }
        var exitCode = process.ExitCode;
        await KillAsync(); // waits for the redirected output to be read to its end
        return exitCode;
    }

    private Process Launch()
    {
        if (IsRunning) { throw new InvalidOperationException($"zun {_role} is already running."); }
        var psi = new ProcessStartInfo(_executable ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in (_executable is null ? [ZunDll] : Array.Empty<string>()).Concat([_role, "--config-file", _configFile])) { psi.ArgumentList.Add(a); }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in _environment) { psi.Environment[key] = value; }
        _process = Process.Start(psi)!;
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, stderr: true);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return _process;
    }

    /// <summary>SIGTERM, as systemd stops a service; SIGKILL after 30 s. Returns the exit code (null: was not running).</summary>
    public async Task<int?> StopAsync()
    {
        if (_process is null) { return null; }
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) { await kill.WaitForExitAsync(); }
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(grace.Token); } catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        await _process.WaitForExitAsync(); // also waits for the redirected output to be read to its end
        var exitCode = _process.ExitCode;
        _process.Dispose();
        _process = null;
        return exitCode;
    }

    /// <summary>SIGKILL: a crash, nothing flushed or acknowledged.</summary>
    public async Task KillAsync()
    {
        if (_process is null) { return; }
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); }
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>The resident set (VmRSS) in bytes, from /proc.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The proportional set (Pss, shared pages split between their users) in bytes, from /proc.</summary>
    public long ProportionalBytes() => RollupBytes("Pss");

    /// <summary>One field of /proc/&lt;pid&gt;/smaps_rollup in bytes (<c>Pss</c>, <c>Anonymous</c>, <c>Rss</c>...).</summary>
    public long RollupBytes(string field)
    {
        var line = File.ReadLines($"/proc/{Pid}/smaps_rollup").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time used so far (utime + stime from /proc/&lt;pid&gt;/stat, in 10 ms clock ticks).</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // fields from the 3rd (state) on
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    public ValueTask DisposeAsync() => new(KillAsync());

    private void Append(string? line, bool stderr = false)
    {
        if (line is null) { return; }
        lock (_log)
        {
            if (_log.Length > 200_000) { _log.Remove(0, 100_000); }
            _log.AppendLine(line);
            if (stderr && _stderr.Length < 100_000) { _stderr.AppendLine(line); }
        }
    }

    private static string FindZunDll()
    {
        // tests/DockStack.Zun.Tests/bin/<Configuration>/net10.0/ -> src/DockStack.Zun.Host/bin/<Configuration>/net10.0/zun.dll
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = here.Parent?.Name ?? "Debug";
        var dll = Path.Combine(RepositoryRoot.Path, "src", "DockStack.Zun.Host", "bin", configuration, here.Name, "zun.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The zun executable is not built: {dll} (dotnet build src/DockStack.Zun.Host -c {configuration}).");
    }
}
