using System.Formats.Tar;
using DockStack.Docker;
using DockStack.TestSupport;

namespace DockStack.Zun.Tests.Integration;

/// <summary>
/// A tiny stand-in for CirrOS (no registry answers here): Debian's static busybox plus applet links,
/// imported as <c>cirros:latest</c> with our managed label. Removed at the end only if this run created it.
/// </summary>
public static class CirrosImage
{
    public const string Reference = "cirros:latest";
    private static readonly string[] Applets = ["sh", "ping", "sleep", "echo", "cat", "ls", "ps", "top", "true", "false", "kill", "mkdir", "env", "hostname"];

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static int _users;
    private static bool _created;

    /// <summary>
    /// A fixture's hold on the image: imported when absent. Fixtures of different collections run at the same time, so
    /// the image is removed only when the last holder lets go (<see cref="ReleaseAsync"/>), and only if this test run
    /// imported it: one fixture removing it while another still creates containers from it made those creates fail.
    /// </summary>
    public static async Task AcquireAsync(INodeEngine engine, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            _created |= await EnsureAsync(engine, cancellationToken);
            _users++;
        }
        finally
        {
            Gate.Release();
        }
    }

    public static async Task ReleaseAsync(INodeEngine engine, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            if (--_users == 0 && _created)
            {
                _created = false;
                await engine.RemoveImageAsync(Reference, force: false, cancellationToken);
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Imports the image when absent; true when this call created it.</summary>
    public static async Task<bool> EnsureAsync(INodeEngine engine, CancellationToken cancellationToken)
    {
        if (await engine.InspectImageAsync(Reference, cancellationToken) is not null) { return false; }
        var busybox = await FindBusyboxAsync(cancellationToken);
        using var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "bin/") { Mode = (UnixFileMode)0b111_101_101 }, cancellationToken);
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "tmp/") { Mode = (UnixFileMode)0b111_111_111 }, cancellationToken);
            await writer.WriteEntryAsync(busybox, "bin/busybox", cancellationToken);
            foreach (var applet in Applets)
            {
                await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, $"bin/{applet}") { LinkName = "busybox" }, cancellationToken);
            }
        }
        tar.Position = 0;
        await engine.ImportImageAsync(tar, Reference, ["LABEL org.dockstack.managed=true", "LABEL org.dockstack.kind=test-image", "CMD [\"/bin/sh\"]", "ENV PATH=/bin"], cancellationToken);
        return true;
    }

    private static async Task<string> FindBusyboxAsync(CancellationToken cancellationToken)
    {
        foreach (var candidate in new[] { Environment.GetEnvironmentVariable("DOCKSTACK_BUSYBOX"), "/bin/busybox", "/usr/bin/busybox" })
        {
            if (candidate is { Length: > 0 } && File.Exists(candidate) && await IsStaticAsync(candidate, cancellationToken)) { return candidate; }
        }
        var dir = Path.Combine(Path.GetTempPath(), "dockstack-busybox");
        var extracted = Path.Combine(dir, "x", "bin", "busybox");
        if (File.Exists(extracted)) { return extracted; }
        Directory.CreateDirectory(dir);
        await RunAsync("apt-get", ["download", "busybox-static"], dir, cancellationToken);
        var deb = Directory.GetFiles(dir, "busybox-static*.deb").FirstOrDefault()
            ?? throw new InvalidOperationException("apt-get download busybox-static produced no .deb; install busybox-static or set DOCKSTACK_BUSYBOX.");
        await RunAsync("dpkg-deb", ["-x", deb, Path.Combine(dir, "x")], dir, cancellationToken);
        return extracted;
    }

    /// <summary>A dynamically linked ELF names its loader (PT_INTERP); a static one does not.</summary>
    private static async Task<bool> IsStaticAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        return !System.Text.Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 4096)).Contains("ld-linux", StringComparison.Ordinal);
    }

    private static async Task RunAsync(string file, string[] args, string dir, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(file, args, new ProcessOptions { WorkingDirectory = dir, Timeout = TimeSpan.FromMinutes(2) }, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        }
    }
}
