using System.Diagnostics;
using DockStack.Cloud.Events;

namespace DockStack.Cloud.Images;

/// <summary>
/// Runs mmdebstrap on the host, writing the root file system as a tar file, then hands it to a consumer.
/// A finished file (rather than mmdebstrap's stdout) means a failed build never starts an import.
/// </summary>
internal sealed class Mmdebstrap(ICloudEvents events)
{
    private const int LogTailLines = 20;

    public async Task RunAsync(BaseImageOptions options, string hookScript, string tarPath, Func<Stream, Task> consumeTar, CancellationToken cancellationToken)
    {
        // mmdebstrap signals its whole process group when it finishes; in a session of its own it cannot hit us.
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = false,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--wait");
        start.ArgumentList.Add("mmdebstrap");
        foreach (var arg in Arguments(options, hookScript, tarPath))
        {
            start.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("mmdebstrap did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BaseImageException("mmdebstrap is not installed, and no registry answered for the base image. Install it: sudo apt-get install -y mmdebstrap", [], e);
        }
        using (process)
        {
            var tail = new Queue<string>();
            var stderr = Task.Run(async () =>
            {
                while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
                {
                    events.Publish(new CommandOutput(line + "\n"));
                    lock (tail)
                    {
                        tail.Enqueue(line);
                        while (tail.Count > LogTailLines) { tail.Dequeue(); }
                    }
                }
            }, CancellationToken.None);
            await using var registration = cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
            await process.WaitForExitAsync(CancellationToken.None);
            await stderr;
            cancellationToken.ThrowIfCancellationRequested();
            Exception? importFailure = null;
            if (process.ExitCode == 0)
            {
                try
                {
                    await using var tar = File.OpenRead(tarPath);
                    await consumeTar(tar);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    importFailure = e;
                }
            }
            if (process.ExitCode == 127)
            {
                throw new BaseImageException("mmdebstrap is not installed, and no registry answered for the base image. Install it: sudo apt-get install -y mmdebstrap", []);
            }
            if (process.ExitCode != 0 || importFailure is not null)
            {
                List<string> lines;
                lock (tail) { lines = tail.ToList(); }
                throw new BaseImageException(
                    importFailure is not null
                        ? $"Importing the Debian {options.Suite} root file system failed: {importFailure.Message}"
                        : $"mmdebstrap failed (exit code {process.ExitCode}) building Debian {options.Suite} from {options.Mirror}.",
                    lines, importFailure);
            }
        }
    }

    internal static IReadOnlyList<string> Arguments(BaseImageOptions options, string hookScript, string tarPath)
    {
        var args = new List<string>
        {
            "--variant=minbase",
            "--include=" + string.Join(',', BaseImageOptions.Packages),
            "--dpkgopt=path-exclude=/usr/share/doc/*",
            "--dpkgopt=path-exclude=/usr/share/man/*",
            "--dpkgopt=path-exclude=/usr/share/locale/*",
            "--customize-hook=sh " + hookScript + " \"$1\"",
            "--customize-hook=rm -rf \"$1/var/lib/apt/lists\"/*_* \"$1/var/cache/apt\"/*.bin",
        };
        if (options.HttpProxy is { } proxy)
        {
            args.Add($"--aptopt=Acquire::http::Proxy \"{proxy}\"");
        }
        args.Add(options.Suite);
        args.Add(tarPath);
        args.Add(options.Mirror);
        return args;
    }
}
