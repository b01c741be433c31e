using System.Diagnostics;

namespace DockStack.Cloud.Tests;

/// <summary>The scripts the modules run or write into a node (every embedded <c>Scripts/</c> and <c>Files/</c> entry with
/// a shell or Python first line): shellcheck finds nothing in the shell ones, and the Python ones compile.</summary>
[Trait("Category", "Unit")]
public sealed class ScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-scripts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<string> Embedded() => EmbeddedFiles.Paths.Where(p => p.Contains("/Scripts/", StringComparison.Ordinal) || p.Contains("/Files/", StringComparison.Ordinal));

    private static bool IsShell(string path) => EmbeddedFiles.Read(path) is var text && (text.StartsWith("#!/bin/sh\n", StringComparison.Ordinal) || text.StartsWith("#!/bin/bash\n", StringComparison.Ordinal));

    private static bool IsPython(string path) => path.EndsWith(".py", StringComparison.Ordinal) || EmbeddedFiles.Read(path).StartsWith("#!/usr/bin/python3", StringComparison.Ordinal);

    [Fact]
    public void EveryScript_IsShellOrPython()
    {
        var scripts = Embedded().Where(p => p.Contains("/Scripts/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(scripts);
        Assert.All(scripts, p => Assert.True(IsShell(p) || IsPython(p), $"{p} starts with neither #!/bin/sh nor #!/usr/bin/python3"));
        Assert.All(Embedded().Where(p => p.EndsWith(".sh", StringComparison.Ordinal)), p => Assert.True(IsShell(p), $"{p} has no #!/bin/sh line"));
    }

    [Fact]
    public void ShellScripts_PassShellcheck()
    {
        var scripts = Embedded().Where(IsShell).ToList();
        var files = scripts.Select(Write).ToList();

        var (code, output) = Run("shellcheck", ["-S", "warning", "-f", "gcc", .. files]);

        Assert.True(scripts.Count >= 10, $"only {scripts.Count} shell scripts found");
        Assert.True(code == 0, $"shellcheck found problems in the embedded scripts:\n{output.Replace(_dir + "/", "", StringComparison.Ordinal)}");
    }

    [Fact]
    public void PythonScripts_Compile()
    {
        var scripts = Embedded().Where(IsPython).ToList();
        var files = scripts.Select(Write).ToList();

        var (code, output) = Run("python3", ["-c", "import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, 'exec')", .. files]);

        Assert.True(scripts.Count >= 5, $"only {scripts.Count} Python scripts found");
        Assert.True(code == 0, $"an embedded Python script does not compile:\n{output}");
    }

    /// <summary>Writes an embedded file under its own path (the messages name it).</summary>
    private string Write(string path)
    {
        var file = Path.Combine(_dir, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, EmbeddedFiles.ReadBytes(path));
        return file;
    }

    private (int Code, string Output) Run(string program, IReadOnlyList<string> arguments)
    {
        var executable = HostTools.Find(program)
            ?? throw new InvalidOperationException($"{program} is not installed (apt-get install {(program == "python3" ? "python3" : program)}; ./run-tests installs it).");
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} ran for more than a minute.");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
