using System.Text.Json;
using DockStack.TestSupport;

namespace DockStack.IntegrationTests;

/// <summary>
/// The host setup path of <c>up</c> and <c>doctor --fix</c> on a fresh Debian machine (<see cref="FreshMachine"/>): the real
/// CLI, checked from outside through the machine's packages (<c>dpkg -s</c>) and file system (<c>docker diff</c>). A machine
/// given the host engine's socket runs only <c>doctor</c>, which never changes the engine.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FreshMachineTests : IDisposable
{
    /// <summary>The PATH Debian's /etc/profile gives a user other than root: no sbin folders.</summary>
    private const string UserPath = "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games";
    private const string Nobody = "65534";

    private static readonly string[] SudoCommands =
    [
        "sudo apt-get update",
        "sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker.io mmdebstrap",
        // The machine runs no systemd (its PID 1 is sleep), so the engine is started as a detached dockerd.
        "sudo sh -c 'setsid nohup dockerd >/var/log/dockerd.log 2>&1 </dev/null &'",
    ];

    private readonly DockStackCli _cli = new();

    [Fact]
    public async Task UpAndDoctorFix_AsAUserWithNoEngine_PrintTheExactSudoCommands_ChangeNothing_AndExit3()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var image = await FreshMachine.BaseImageAsync(_cli);
        await using var machine = await FreshMachine.StartAsync(image, DockStackCli.BuildOutput, network: false, engineSocket: false, timeout.Token);
        var before = await machine.DiffAsync(timeout.Token);

        string[][] commands = [["up"], ["doctor", "--fix"]];
        foreach (var command in commands)
        {
            var result = await machine.DockStackAsync(Nobody, UserPath, command, TimeSpan.FromSeconds(60), timeout.Token);

            Assert.True(result.ExitCode == 3, $"dockstack {string.Join(' ', command)}: {result}");
            var lines = result.Stderr.Split('\n').Select(l => l.TrimEnd()).ToList();
            Assert.Contains(lines, l => l.Contains("lacks docker.io and mmdebstrap, and no Docker engine runs", StringComparison.Ordinal));
            Assert.Equal(SudoCommands, lines.Where(l => l.StartsWith("sudo ", StringComparison.Ordinal)));
            Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        }

        Assert.NotEqual(0, (await machine.ShellAsync("dpkg -s docker.io", timeout.Token)).ExitCode);
        Assert.NotEqual(0, (await machine.ShellAsync("dpkg -s mmdebstrap", timeout.Token)).ExitCode);
        Assert.Equal(before, await machine.DiffAsync(timeout.Token));
    }

    [Fact]
    public async Task DoctorFix_AsAUserTheEngineRefuses_NamesThePermission_NotAnInstall_AndExits3()
    {
        if (OperatingSystem.IsWindows() || (File.GetUnixFileMode(FreshMachine.HostSocket) & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            return; // this engine's socket lets every user in: there is no refusal to see
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var image = await FreshMachine.BaseImageAsync(_cli);
        await using var machine = await FreshMachine.StartAsync(image, DockStackCli.BuildOutput, network: false, engineSocket: true, timeout.Token);
        var before = await machine.DiffAsync(timeout.Token);

        var result = await machine.DockStackAsync(Nobody, UserPath, ["doctor", "--fix"], TimeSpan.FromSeconds(60), timeout.Token);

        // An engine runs; installing docker.io or starting dockerd would not let this user in.
        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("Permission denied on the Docker engine socket /var/run/docker.sock", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("'docker' group", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("apt-get", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("dockerd", result.Output, StringComparison.Ordinal);
        Assert.Equal(before, await machine.DiffAsync(timeout.Token));
    }

    [Fact]
    public async Task DoctorFix_AsRootWithTheHostEngine_InstallsOnlyMmdebstrapFromTheMirror_ThenHasNothingToDo()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var image = await FreshMachine.BaseImageAsync(_cli);
        await using var machine = await FreshMachine.StartAsync(image, DockStackCli.BuildOutput, network: true, engineSocket: true, timeout.Token);
        Assert.NotEqual(0, (await machine.ShellAsync("dpkg -s mmdebstrap", timeout.Token)).ExitCode);

        var fix = await machine.DockStackAsync(null, null, ["doctor", "--fix", "--output", "json"], TimeSpan.FromMinutes(2), timeout.Token);

        // The checks are of this container (no /dev/net/tun, Docker's default capabilities): some fail, so exit 1, not 3.
        Assert.True(fix.ExitCode is 0 or 1, fix.ToString());
        Assert.Contains("done   Installing mmdebstrap from the distribution", fix.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("docker.io", fix.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Starting the Docker engine", fix.Stderr, StringComparison.Ordinal);
        using (var checks = JsonDocument.Parse(fix.Stdout))
        {
            bool Ok(string name) => checks.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).GetProperty("ok").GetBoolean();
            Assert.True(Ok("Docker engine"), fix.Stdout);
            Assert.True(Ok("mmdebstrap"), fix.Stdout);
        }
        var dpkg = await machine.ShellAsync("dpkg -s mmdebstrap", timeout.Token);
        Assert.True(dpkg.ExitCode == 0, dpkg.ToString());
        Assert.Contains("Status: install ok installed", dpkg.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, (await machine.ShellAsync("dpkg -s docker.io", timeout.Token)).ExitCode);

        // Set up now: a second run installs nothing.
        var again = await machine.DockStackAsync(null, null, ["doctor", "--fix", "--output", "json"], TimeSpan.FromMinutes(1), timeout.Token);
        Assert.True(again.ExitCode is 0 or 1, again.ToString());
        Assert.DoesNotContain("Installing", again.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Updating the package lists", again.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
