using System.Diagnostics;
using DockStack.Cloud.Services.PythonZygote;

namespace DockStack.Cloud.Tests;

/// <summary>
/// The zygote's two scripts (Services/PythonZygote/Scripts) as a node runs them, on this host: a fake project whose
/// patch module is eventlet's monkey patch, as Nova's and Neutron's are, and a service script that says what it got.
/// Needs root (the child joins the client's cgroups and takes its user) and python3-eventlet (run-tests installs it).
/// </summary>
[Trait("Category", "Unit")]
public sealed class PythonZygoteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-zygote-").FullName;
    private readonly List<Process> _zygotes = [];

    private const string Service = """
        import os, sys, time, signal
        import eventlet
        print("preloaded=%s" % ("fakelib" in sys.modules))
        import fakelib
        def tick():
            eventlet.sleep(0.05)
            return "green"
        print("argv=%s env=%s cwd=%s ppid=%d pid=%d hub=%s" % (" ".join(sys.argv[1:]), os.environ.get("FOO"), os.getcwd(), os.getppid(), os.getpid(), eventlet.spawn(tick).wait()), flush=True)
        if sys.argv[1:2] == ["wait"]:
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(7))
            print("waiting", flush=True)
            while True:
                time.sleep(0.1)
        if sys.argv[1:2] == ["linger"]:
            time.sleep(1.5)
        sys.exit(3)
        """;

    public PythonZygoteTests()
    {
        Write("pyzygote", PythonZygoteModule.ServerScript);
        Write("pyzygote-run", PythonZygoteModule.ClientScript);
        Write("fakepatch.py", "import eventlet\neventlet.monkey_patch()\n");
        Write("fakelib.py", "VALUE = 1\n");
        Write("svc.py", Service);
        Directory.CreateDirectory(Path.Combine(_dir, "run"));
        Directory.CreateDirectory(Path.Combine(_dir, "work"));
    }

    public void Dispose()
    {
        foreach (var zygote in _zygotes)
        {
            if (!zygote.HasExited) zygote.Kill();
            zygote.WaitForExit();
            zygote.Dispose();
        }
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task AService_IsForkedFromTheZygote_WithTheClientsArgumentsEnvironmentDirectoryAndStatus()
    {
        var zygote = await StartZygoteAsync();

        var (code, stdout, _) = await RunClientAsync(["one", "two"]);

        Assert.Equal(3, code);
        Assert.Contains("argv=one two env=bar cwd=" + Path.Combine(_dir, "work"), stdout, StringComparison.Ordinal);
        Assert.Contains($"ppid={zygote.Id} ", stdout, StringComparison.Ordinal);
        Assert.Contains("hub=green", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_ToTheClient_ReachesTheService_AndItsStatusComesBack()
    {
        await StartZygoteAsync();
        using var client = Client(["wait"], wait: "30");
        client.Start();
        var line = await client.StandardOutput.ReadLineAsync();
        while (line is not null && line != "waiting")
        {
            line = await client.StandardOutput.ReadLineAsync();
        }
        Assert.Equal("waiting", line);

        using (var kill = Process.Start("kill", ["-TERM", client.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(7, client.ExitCode);
    }

    [Fact]
    public async Task WithoutAZygote_TheServiceRunsTheStockWay()
    {
        var (code, stdout, stderr) = await RunClientAsync(["one"]);

        Assert.Equal(3, code);
        Assert.Contains("runs the stock way", stderr, StringComparison.Ordinal);
        Assert.Contains("argv=one env=bar", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("preloaded=True", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatAServiceImported_TheNextZygotePreloads()
    {
        var first = await StartZygoteAsync();
        var (_, before, _) = await RunClientAsync(["linger"]);
        var record = Path.Combine(_dir, "state", "fake", "svc.py.modules");
        Assert.Contains("fakelib", await File.ReadAllLinesAsync(record));
        first.Kill();
        await first.WaitForExitAsync();

        await StartZygoteAsync();
        var (code, after, _) = await RunClientAsync(["one"]);

        Assert.Contains("preloaded=False", before, StringComparison.Ordinal);
        Assert.Contains("preloaded=True", after, StringComparison.Ordinal);
        Assert.Equal(3, code);
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text.Replace("\r\n", "\n", StringComparison.Ordinal));

    private async Task<Process> StartZygoteAsync()
    {
        var info = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(_dir, "pyzygote"), Path.Combine(_dir, "run", "fake.sock"), "fakepatch"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["PYTHONPATH"] = _dir;
        info.Environment["ZYGOTE_STATE"] = Path.Combine(_dir, "state");
        info.Environment["ZYGOTE_RECORD_AFTER"] = "0.5";
        var zygote = Process.Start(info)!;
        _zygotes.Add(zygote);
        var line = await zygote.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        while (line is not null && !line.Contains("serving", StringComparison.Ordinal))
        {
            line = await zygote.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        Assert.True(line is not null, "the zygote ended before it served");
        return zygote;
    }

    private Process Client(IReadOnlyList<string> arguments, string wait)
    {
        var info = new ProcessStartInfo("/usr/bin/python3", ["-IS", Path.Combine(_dir, "pyzygote-run"), "fake", Path.Combine(_dir, "svc.py"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(_dir, "work"),
        };
        info.Environment["FOO"] = "bar";
        info.Environment["PYTHONPATH"] = _dir;  // the stock way needs it; a forked service has the zygote's modules
        info.Environment["ZYGOTE_DIR"] = Path.Combine(_dir, "run");
        info.Environment["ZYGOTE_WAIT"] = wait;
        return new Process { StartInfo = info };
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunClientAsync(IReadOnlyList<string> arguments)
    {
        using var client = Client(arguments, wait: "0.5");
        client.Start();
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (client.ExitCode, await stdout, await stderr);
    }
}
