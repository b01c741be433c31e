using System.Diagnostics;
using DockStack.Zun.Tests.Integration.Node;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// The built <c>zun</c> executable, started with something it needs unreachable: a Docker socket that does not exist,
/// a broker or a database on a closed 127.0.0.1 port. It keeps trying until <c>[DEFAULT] startup_timeout</c>, then
/// logs one line naming what it could not reach and exits 1, which systemd's Restart=on-failure restarts. No engine,
/// broker or database is needed, but a child process is (so not the unit tier).
/// </summary>
[Trait("Category", "Integration")]
public sealed class StartupDeadlineTests : IDisposable
{
    private const int Deadline = 3;
    private const string Password = "s3cret-pw";
    private readonly string _state = Path.Combine(Path.GetTempPath(), "zun-startup-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public static TheoryData<string, string, string> Cases => new()
    {
        { "compute", "", "the Docker engine at unix://{state}/no-engine.sock" },
        { "compute", "transport_url = rabbit://openstack:{password}@127.0.0.1:{port}/", "the message broker at rabbit://***@127.0.0.1:{port}/" },
        { "all", "", "the Docker engine at unix://{state}/no-engine.sock" },
        { "all", "[database]\nconnection = mysql+pymysql://zun:{password}@127.0.0.1:{port}/zun", "the database at mysql+pymysql://***@127.0.0.1:{port}/zun" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Unreachable_AtStart_ExitsNonZeroAtTheDeadline_NamingIt(string role, string extra, string unreached)
    {
        var port = ZunProcess.FreePort();
        string Fill(string text) => text.Replace("{state}", _state, StringComparison.Ordinal).Replace("{password}", Password, StringComparison.Ordinal)
            .Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Directory.CreateDirectory(_state);
        var conf = Path.Combine(_state, "zun.conf");
        await File.WriteAllTextAsync(conf, Fill($"""
            [DEFAULT]
            auth_strategy = noauth
            host = zunstart-{Guid.NewGuid().ToString("N")[..8]}
            state_path = {_state}
            startup_timeout = {Deadline}
            {extra}
            [websocket_proxy]
            wsproxy_host = 127.0.0.1
            wsproxy_port = 0
            [api]
            host_ip = 127.0.0.1
            port = {ZunProcess.FreePort()}
            [docker]
            api_url = unix://{_state}/no-engine.sock
            """), TestContext.Current());
        await using var zun = new ZunProcess(role, conf);
        var clock = Stopwatch.StartNew();

        var exitCode = await zun.RunToExitAsync(TimeSpan.FromSeconds(Deadline + 60), TestContext.Current());

        Assert.True(exitCode == 1, $"zun {role} exited with {exitCode}:\n{zun.Log}");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(Deadline), $"zun {role} gave up after {clock.Elapsed.TotalSeconds:F1}s, before its {Deadline}s deadline:\n{zun.Log}");
        var line = Assert.Single(zun.Log.Split('\n'), l => l.Contains($"zun could not start within {Deadline} s", StringComparison.Ordinal));
        Assert.True(line.Contains("could not reach the ", StringComparison.Ordinal) && line.Contains($"{Fill(unreached)} (", StringComparison.Ordinal),
            $"The line does not name {Fill(unreached)} with its last error:\n{line}");
        Assert.DoesNotContain(Password, zun.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", zun.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
