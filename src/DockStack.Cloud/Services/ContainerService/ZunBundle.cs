using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>
/// The container service published for linux-x64, ready to copy into a node: compiled ahead of time (Native AOT)
/// when the host can link it (gcc and libc6-dev), else self-contained with ReadyToRun (bench/ZUN-BENCHMARKS.md
/// compares the two). Found in DOCKSTACK_ZUN_DIR, or published from the repository's
/// sources into artifacts/zun/&lt;source hash&gt;-&lt;publish settings&gt;/ once per source change. <see cref="ContentHash"/>
/// keys the containers image layer, so a change to the service rebuilds only that layer: the hash of the files for a
/// given folder, the source hash and publish settings for the repository's own publish.
/// </summary>
public sealed class ZunBundle
{
    public const string EnvironmentVariable = "DOCKSTACK_ZUN_DIR";
    public const string InstallDirectory = "/opt/dockstack/zun";
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(20);
    private static readonly string[] SourceProjects = ["DockStack.Zun", "DockStack.Zun.Host", "DockStack.OpenStack", "DockStack.Docker"];

    private readonly string? _repositoryRoot;

    private ZunBundle(string directory, string contentHash, string? repositoryRoot = null, PublishMode? mode = null)
    {
        Directory = directory;
        ContentHash = contentHash;
        _repositoryRoot = repositoryRoot;
        Mode = mode;
    }

    /// <summary>The published folder (holds the executable <c>zun</c> once published).</summary>
    public string Directory { get; }

    /// <summary>What keys the containers image layer; known before anything is published.</summary>
    public string ContentHash { get; }

    /// <summary>How a bundle from the repository is published; null for a given folder.</summary>
    public PublishMode? Mode { get; }

    /// <summary>The publish still to run before the files can be used (<see cref="EnsurePublishedAsync"/>), or null.</summary>
    public PublishMode? PendingPublish => Mode is not null && !File.Exists(Path.Combine(Directory, ".complete")) ? Mode : null;

    /// <summary>
    /// The service's files: DOCKSTACK_ZUN_DIR's folder, else the repository's publish in artifacts/zun, keyed by the
    /// sources' hash and the publish settings. Computing the key reads the sources but publishes nothing: a cached
    /// containers layer is found without compiling; <see cref="EnsurePublishedAsync"/> publishes when the layer is built.
    /// </summary>
    public static ZunBundle Resolve()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return FromDirectory(given);
        }
        var root = FindRepositoryRoot()
            ?? throw new InvalidOperationException($"The container service's binaries were not found: set {EnvironmentVariable} to a folder with a linux-x64 publish of DockStack.Zun.Host, or run dockstack from its repository.");
        var mode = CanLinkNative() ? PublishMode.NativeAot : PublishMode.ReadyToRun;
        // A publish (AOT or ReadyToRun) is not byte-for-byte reproducible (two publishes of the same sources differ), so a bundle
        // published from the repository is keyed by its sources and publish settings: a fresh clone (CI) then reuses the
        // cached container-service layer instead of building a new one, and leaving the old one behind, on every run.
        var key = $"{SourceHash(root)}-{mode.Key}";
        return new ZunBundle(Path.Combine(root, "artifacts", "zun", key), key, root, mode);
    }

    /// <summary>Publishes the repository's bundle unless it is there (minutes; cancelling stops the publish).</summary>
    public async Task EnsurePublishedAsync(CancellationToken cancellationToken)
    {
        if (PendingPublish is { } mode)
        {
            await PublishAsync(_repositoryRoot!, Directory, mode, cancellationToken);
        }
        _ = FromDirectory(Directory);
    }

    /// <summary>How the service is published: <see cref="Key"/> (part of a repository bundle's key) changes whenever
    /// <see cref="Arguments"/> do; <see cref="Announcement"/> titles the publish while it runs.</summary>
    public sealed record PublishMode(string Key, string[] Arguments, string Announcement)
    {
        // Native AOT: one executable, no JIT, no runtime's file pages: zun-api and zun-compute idle at ~43 MB each
        // instead of ~75, and start in ~0.1 CPU-s instead of ~0.5 (bench/ZUN-BENCHMARKS.md). gcc links it.
        public static readonly PublishMode NativeAot = new("linux-x64-aot-1",
            ["-p:PublishAot=true", "-p:CppCompilerAndLinker=gcc", "-p:StripSymbols=true"],
            "Compiling the container service for linux-x64 ahead of time (once per change to its sources, 2-3 min on 2 cores)");

        // ReadyToRun: the service's own assemblies and its packages precompiled, so they are not JIT-compiled at every boot.
        public static readonly PublishMode ReadyToRun = new("linux-x64-sc-r2r-1",
            ["--self-contained", "-p:PublishReadyToRun=true"],
            $"Publishing the container service for linux-x64 (once per change to its sources); gcc or libc6-dev is missing, so without Native AOT: it will use about twice the memory (apt-get install {NativeToolchainPackages})");
    }

    /// <summary>The packages Native AOT needs on a Debian host to link the executable (gcc drives the link).</summary>
    public const string NativeToolchainPackages = "gcc libc6-dev";

    /// <summary>
    /// Whether Native AOT can link here: gcc on the PATH and the C runtime's start files (libc6-dev). Without them the
    /// service is published with ReadyToRun instead, which works the same and needs ~2x the memory.
    /// </summary>
    public static bool CanLinkNative() =>
        HostTools.Find("gcc") is not null
        && (File.Exists("/usr/lib/x86_64-linux-gnu/crt1.o") || File.Exists("/usr/lib64/crt1.o") || File.Exists("/usr/lib/crt1.o"));

    public static ZunBundle FromDirectory(string directory)
    {
        if (!File.Exists(Path.Combine(directory, "zun")))
        {
            throw new InvalidOperationException($"{directory} holds no 'zun' executable (a linux-x64 publish of DockStack.Zun.Host).");
        }
        return new ZunBundle(directory, HashFiles(directory, Files(directory)));
    }

    /// <summary>A tar of the published files under <see cref="InstallDirectory"/>.</summary>
    public MemoryStream ToTar()
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var relative in Files(Directory))
            {
                var full = Path.Combine(Directory, relative);
                var entry = new PaxTarEntry(TarEntryType.RegularFile, InstallDirectory.TrimStart('/') + "/" + relative)
                {
                    Mode = relative == "zun" || relative.EndsWith(".so", StringComparison.Ordinal) || relative == "createdump"
                        ? Nodes.NodeFile.Executable
                        : Nodes.NodeFile.DefaultMode,
                    DataStream = File.OpenRead(full),
                };
                writer.WriteEntry(entry);
                entry.DataStream.Dispose();
            }
        }
        stream.Position = 0;
        return stream;
    }

    private static List<string> Files(string directory) =>
        System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith('.') && !f.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".dbg", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string HashFiles(string directory, IEnumerable<string> relativePaths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var relative in relativePaths)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\0"));
            using var file = File.OpenRead(Path.Combine(directory, relative));
            hash.AppendData(SHA256.HashData(file));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static string SourceHash(string root)
    {
        var files = SourceProjects
            .Select(p => Path.Combine(root, "src", p))
            .Where(System.IO.Directory.Exists)
            .SelectMany(d => System.IO.Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(new[] { "Directory.Build.props", "Directory.Packages.props", "global.json" }.Select(f => Path.Combine(root, f)).Where(File.Exists))
            .Select(f => Path.GetRelativePath(root, f));
        return HashFiles(root, files);
    }

    private static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DockStack.slnx")) && System.IO.Directory.Exists(Path.Combine(dir.FullName, "src", "DockStack.Zun.Host")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

    private static async Task PublishAsync(string root, string target, PublishMode mode, CancellationToken cancellationToken)
    {
        if (System.IO.Directory.Exists(target))
        {
            System.IO.Directory.Delete(target, recursive: true);
        }
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        foreach (var argument in new[]
        {
            "publish", Path.Combine(root, "src", "DockStack.Zun.Host", "DockStack.Zun.Host.csproj"),
            "-c", "Release", "-r", "linux-x64", "-p:DebugType=none", "-o", target, "-nologo", "-v", "quiet",
        }.Concat(mode.Arguments))
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet publish' for the container service.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PublishTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"Publishing the container service took more than {PublishTimeout.TotalMinutes:0} min.");
        }
        if (process.ExitCode != 0)
        {
            var errors = string.Join('\n', (await stdout + await stderr).Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(10));
            throw new InvalidOperationException($"Publishing the container service (dotnet publish DockStack.Zun.Host) failed with exit code {process.ExitCode}:\n{errors}");
        }
        await File.WriteAllTextAsync(Path.Combine(target, ".complete"), DateTimeOffset.UtcNow.ToString("O"), CancellationToken.None);
    }
}
