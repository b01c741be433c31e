using DockStack.Docker;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// One <c>zun all</c> in this process for the whole integration collection: no-auth mode, a fresh SQLite file,
/// the host's Docker engine, and a compute host name unique to this run so it only ever sees its own containers.
/// Disposing removes every engine container and network of that host, and the test image if this run imported it.
/// </summary>
public class ZunFixture : IAsyncLifetime
{
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..10];
    public string HostName => $"zuntest-{RunId}";
    public string StateDir { get; } = Path.Combine(Path.GetTempPath(), "zun-tests-" + Guid.NewGuid().ToString("N")[..8]);
    public DockerEngine Engine { get; } = DockerEngine.FromEnvironment();
    public IHost? Host { get; private set; }
    public string BaseUrl { get; private set; } = "";
    public OpenStackCli Cli { get; }
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(90) };
    public ZunConfig Config { get; }
    /// <summary>Every warning or error the service logged, in order, as "Level Category: message".</summary>
    public LogCapture Log { get; } = new();
    private bool _holdsImage;

    public ZunFixture() : this("")
    {
    }

    /// <summary>A fixture whose zun.conf has <paramref name="moreConfig"/> (whole sections) after the collection's own options.</summary>
    protected ZunFixture(string moreConfig)
    {
        Cli = new OpenStackCli(() => BaseUrl);
        Config = ZunConfig.From(IniFile.Parse($"""
            [DEFAULT]
            auth_strategy = noauth
            host = {HostName}
            state_path = {StateDir}
            report_interval = 2
            [compute]
            sync_container_state_interval = 5
            {moreConfig}
            """));
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await CirrosImage.AcquireAsync(Engine, timeout.Token);
        _holdsImage = true;
        await StartAsync(timeout.Token);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Host = await ZunApp.BuildAsync(Config, ZunRole.All, l => l.SetMinimumLevel(LogLevel.Warning).AddProvider(Log), "http://127.0.0.1:0", cancellationToken);
        await Host.StartAsync(cancellationToken);
        var addresses = Host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().TrimEnd('/');
    }

    /// <summary>Stops the whole process (api and compute) and starts a new one on the same store.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        await StopAsync();
        await StartAsync(cancellationToken);
    }

    /// <summary>Stops the whole process (api and compute), draining its casts; <see cref="StartAsync"/> starts a new one on the same store.</summary>
    public async Task StopAsync()
    {
        if (Host is null) { return; }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
        if (Host.Services.GetService<LocalComputeRpc>() is { } local) { await local.DrainAsync(TimeSpan.FromSeconds(10)); }
        Host.Dispose();
        Host = null;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        foreach (var c in await Engine.ListContainersAsync([$"{ComputeManager.HostLabel}={HostName}"], all: true, timeout.Token))
        {
            await Engine.RemoveContainerAsync(c.Id, force: true, timeout.Token);
        }
        foreach (var n in await Engine.ListNetworksAsync([$"{ComputeManager.HostLabel}={HostName}"], timeout.Token))
        {
            await Engine.RemoveNetworkAsync(n.Name, timeout.Token);
        }
        if (_holdsImage)
        {
            _holdsImage = false;
            await CirrosImage.ReleaseAsync(Engine, timeout.Token);
        }
        Http.Dispose();
        Engine.Dispose();
        try { Directory.Delete(StateDir, recursive: true); } catch (IOException) { }
    }

    /// <summary>Polls until the predicate holds (or fails the test with what was last seen).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await read();
            if (done(last)) { return last; }
            if (DateTime.UtcNow > deadline) { throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds}s waiting for {what}; last: {last}"); }
            await Task.Delay(300);
        }
    }
}

/// <summary>Keeps what the service logs at warning and above, so a test can ask whether anything went wrong behind its answers.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public int Count => _lines.Count;

    /// <summary>The lines logged after the first <paramref name="skip"/>.</summary>
    public IReadOnlyList<string> Since(int skip) => _lines.Skip(skip).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) { owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}"); }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ZunCollection : ICollectionFixture<ZunFixture>
{
    public const string Name = "zun";
}

/// <summary>The service with <c>[docker] project_networks = true</c>: each project's guests on a bridge of their own.</summary>
public sealed class ProjectNetworksFixture() : ZunFixture("[docker]\nproject_networks = true")
{
}

[CollectionDefinition(Name)]
public sealed class ProjectNetworksCollection : ICollectionFixture<ProjectNetworksFixture>
{
    public const string Name = "zun project networks";
}
