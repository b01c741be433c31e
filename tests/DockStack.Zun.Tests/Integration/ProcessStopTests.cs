using DockStack.Zun.Tests.Integration.Node;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// The built <c>zun</c> executable stopped as systemd stops it (SIGTERM): it exits 0 and writes no exception, on a host
/// alone (SQLite, no-auth, the host's engine). The api role needs RabbitMQ, so it is stopped in <see cref="RabbitTests"/>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProcessStopTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "zun-stop-tests-" + Guid.NewGuid().ToString("N")[..8]);

    [Theory]
    [InlineData("compute")]
    [InlineData("all")]
    public async Task Sigterm_ExitsZero_WithoutAnException(string role)
    {
        var host = $"zunstop-{Guid.NewGuid().ToString("N")[..8]}";
        var port = ZunProcess.FreePort();
        Directory.CreateDirectory(_state);
        var conf = Path.Combine(_state, $"{role}.conf");
        await File.WriteAllTextAsync(conf, $"""
            [DEFAULT]
            auth_strategy = noauth
            host = {host}
            state_path = {Path.Combine(_state, role)}
            [websocket_proxy]
            wsproxy_host = 127.0.0.1
            wsproxy_port = 0
            [api]
            host_ip = 127.0.0.1
            port = {port}
            """, TestContext.Current());
        await using var zun = new ZunProcess(role, conf);
        await zun.StartAsync(p => Task.FromResult(p.Log.Contains($"zun-compute is up on host {host}", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(90), TestContext.Current());

        var exitCode = await zun.StopAsync();

        Assert.True(exitCode == 0, $"zun {role} exited with {exitCode} on SIGTERM:\n{zun.Log}");
        Assert.DoesNotContain("Exception", zun.Stderr, StringComparison.Ordinal);
        Assert.Contains("Application is shutting down", zun.Log, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
