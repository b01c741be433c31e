using System.Runtime.InteropServices;
using System.Text.Json;
using DockStack.TestSupport;

namespace DockStack.IntegrationTests;

/// <summary>
/// A fresh Debian machine for the CLI: a container of the cached base image (Debian with systemd, neither docker.io nor
/// mmdebstrap), idle under <c>sleep</c>, with this host's .NET and the CLI's build output mounted read-only, so the real
/// CLI runs there without installing .NET. Driven through the docker CLI (an independent channel); removed on dispose.
/// </summary>
public sealed class FreshMachine : IAsyncDisposable
{
    public const string TestLabel = "org.dockstack.test=fresh-machine";
    private const string DotnetRoot = "/opt/dotnet";
    private const string CliDir = "/opt/dockstack";
    private static readonly TimeSpan DockerTimeout = TimeSpan.FromSeconds(60);

    private FreshMachine(string name) => Name = name;

    public string Name { get; }

    /// <summary>The host's engine socket (DOCKER_HOST when it is a unix socket, else the default), as the tests reach it.</summary>
    public static string HostSocket =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host && host.StartsWith("unix://", StringComparison.Ordinal)
            ? host["unix://".Length..]
            : "/var/run/docker.sock";

    /// <summary>
    /// Starts a machine from <paramref name="image"/> (network: the engine's default bridge, or none), with the host engine's
    /// socket at /var/run/docker.sock when <paramref name="engineSocket"/>.
    /// </summary>
    public static async Task<FreshMachine> StartAsync(string image, string cliBuild, bool network, bool engineSocket, CancellationToken cancellationToken)
    {
        var machine = new FreshMachine("fresh-machine-" + Guid.NewGuid().ToString("N")[..10]);
        List<string> args =
        [
            "run", "--detach", "--name", machine.Name,
            "--label", TestLabel,
            // The base image's labels would make this container one of DockStack's objects, which clean removes and
            // other tests count: it is not one.
            "--label", "org.dockstack.managed=false", "--label", "org.dockstack.kind=test",
            "--entrypoint", "sleep",
            "--volume", $"{HostDotnetRoot}:{DotnetRoot}:ro",
            "--volume", $"{cliBuild}:{CliDir}:ro",
        ];
        if (!network)
        {
            args.AddRange(["--network", "none"]);
        }
        if (engineSocket)
        {
            args.AddRange(["--volume", $"{HostSocket}:/var/run/docker.sock"]);
        }
        args.AddRange([image, "infinity"]);
        try
        {
            await DockerOkAsync(args, cancellationToken);
        }
        catch
        {
            await machine.DisposeAsync();
            throw;
        }
        return machine;
    }

    /// <summary>
    /// Runs the CLI in the machine as <paramref name="user"/> (null: root) with <paramref name="path"/> as its PATH
    /// (null: the image's) and the given variables.
    /// </summary>
    public Task<ProcessResult> DockStackAsync(string? user, string? path, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        List<string> exec = ["exec", "--env", $"DOTNET_ROOT={DotnetRoot}", "--env", "COLUMNS=200"];
        if (user is not null)
        {
            exec.AddRange(["--user", user]);
        }
        if (path is not null)
        {
            exec.AddRange(["--env", $"PATH={path}"]);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            exec.AddRange(["--env", $"{key}={value}"]);
        }
        exec.AddRange([Name, $"{DotnetRoot}/dotnet", $"{CliDir}/dockstack.dll", .. args]);
        return DockerAsync(exec, timeout, cancellationToken);
    }

    /// <summary>Runs a shell command in the machine as root.</summary>
    public Task<ProcessResult> ShellAsync(string script, CancellationToken cancellationToken) =>
        DockerAsync(["exec", Name, "sh", "-c", script], DockerTimeout, cancellationToken);

    /// <summary>What changed in the machine's file system since its image (<c>docker diff</c>), one "KIND PATH" per entry, sorted
    /// (the engine lists them in no fixed order).</summary>
    public async Task<string[]> DiffAsync(CancellationToken cancellationToken) =>
        [.. (await DockerOkAsync(["diff", Name], cancellationToken)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];

    public async ValueTask DisposeAsync()
    {
        // Every outcome, our own container only (by its unique name); a machine that never started is simply absent.
        await DockerAsync(["rm", "--force", "--volumes", Name], DockerTimeout, CancellationToken.None);
    }

    /// <summary>The cached base image's reference, as <c>image list --bare</c> names it; built first (as the other engine tests do) when missing.</summary>
    public static async Task<string> BaseImageAsync(DockStackCli cli)
    {
        var reference = await CachedBaseAsync(cli);
        if (reference is null)
        {
            var cloud = "fresh-machine-" + Guid.NewGuid().ToString("N")[..8];
            try
            {
                var up = await cli.RunAsync("up", "--bare", "--name", cloud);
                Assert.True(up.ExitCode == 0, $"building the base image: {up}");
            }
            finally
            {
                await cli.RunAsync("down", "--purge", "--name", cloud);
            }
            reference = await CachedBaseAsync(cli);
        }
        return reference ?? throw new InvalidOperationException("The base image is still not cached after up --bare.");
    }

    private static async Task<string?> CachedBaseAsync(DockStackCli cli)
    {
        var list = await cli.RunAsync("image", "list", "--bare", "--output", "json");
        Assert.True(list.ExitCode == 0, $"image list --bare: {list}");
        using var doc = JsonDocument.Parse(list.Stdout);
        var entry = doc.RootElement.EnumerateArray().Single();
        return entry.GetProperty("cached").GetBoolean() ? entry.GetProperty("reference").GetString() : null;
    }

    /// <summary>The .NET root the tests run on (the folder of its <c>dotnet</c>), three levels above the runtime's own folder.</summary>
    private static string HostDotnetRoot
    {
        get
        {
            var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
            return File.Exists(Path.Combine(root, "dotnet")) ? root : throw new InvalidOperationException($"No dotnet in {root}, the .NET root of this test run.");
        }
    }

    private static async Task<ProcessResult> DockerOkAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var list = args.ToList();
        var result = await DockerAsync(list, DockerTimeout, cancellationToken);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', list)}: {result}");
        return result;
    }

    private static Task<ProcessResult> DockerAsync(IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken) =>
        ProcessRunner.RunAsync("docker", args, new ProcessOptions { Timeout = timeout }, cancellationToken);
}
