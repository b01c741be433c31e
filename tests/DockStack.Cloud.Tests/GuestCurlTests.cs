using System.Diagnostics;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Services.ContainerService;

namespace DockStack.Cloud.Tests;

/// <summary>
/// The guests' curl stand-in (<see cref="ContainerServiceFiles.GuestCurlText"/>) run by sh against a stub wget that
/// records its arguments: the forms of curl it takes become busybox wget's, and a failure is curl's exit 7 with a
/// message (none with -s alone).
/// </summary>
[Trait("Category", "Unit")]
public sealed class GuestCurlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-guest-curl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("10.0.0.5", "-q -O - http://10.0.0.5")]
    [InlineData("-s 10.0.0.5", "-q -O - http://10.0.0.5")]
    [InlineData("http://10.0.0.5:8080/path", "-q -O - http://10.0.0.5:8080/path")]
    [InlineData("-fsSL https://example.invalid/x", "-q -O - https://example.invalid/x")]
    [InlineData("-o /tmp/page -m 5 10.0.0.5", "-q -O /tmp/page -T 5 http://10.0.0.5")]
    public void TheFormsItTakes_BecomeAWgetGet(string arguments, string wget)
    {
        var (code, stdout, stderr, args) = Curl(arguments.Split(' '), fail: false);

        Assert.Equal((0, "", "page\n"), (code, stderr, stdout));
        Assert.Equal(wget.Split(' '), args ?? []);
    }

    [Fact]
    public void AHeader_IsPassedAsOneArgument()
    {
        var (code, _, _, args) = Curl(["-H", "X-Probe: yes", "10.0.0.5"], fail: false);

        Assert.Equal(0, code);
        Assert.Equal(["-q", "-O", "-", "--header", "X-Probe: yes", "http://10.0.0.5"], args ?? []);
    }

    [Theory]
    [InlineData("10.0.0.5", true)]
    [InlineData("-sS 10.0.0.5", true)]
    [InlineData("-s 10.0.0.5", false)]
    public void AFailedGet_Exits7_WithCurlsMessageUnlessSilent(string arguments, bool message)
    {
        var (code, stdout, stderr, _) = Curl(arguments.Split(' '), fail: true);

        Assert.Equal(7, code);
        Assert.Equal("", stdout);
        Assert.Equal(message ? "curl: (7) Failed to get http://10.0.0.5: can't connect to remote host (10.0.0.5): Connection refused\n" : "", stderr);
    }

    [Theory]
    [InlineData("-X POST 10.0.0.5", "curl: option -X is not supported")]
    [InlineData("-sk 10.0.0.5", "curl: option -sk is not supported")]
    [InlineData("-s", "curl: no URL specified")]
    [InlineData("10.0.0.5 -m", "curl: option -m: requires parameter")]
    public void WhatItCannotDo_IsRefused_WithoutCallingWget(string arguments, string message)
    {
        var (code, _, stderr, args) = Curl(arguments.Split(' '), fail: false);

        Assert.Equal(2, code);
        Assert.StartsWith(message, stderr, StringComparison.Ordinal);
        Assert.Null(args);
    }

    /// <summary>Runs the stand-in with a wget that records its arguments and prints a page, or fails as busybox's does.</summary>
    private (int Code, string Stdout, string Stderr, string[]? WgetArgs) Curl(string[] arguments, bool fail)
    {
        var record = Path.Combine(_dir, "wget-args");
        File.Delete(record);
        var wget = Path.Combine(_dir, "wget");
        File.WriteAllText(wget, $"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '{record}'\n"
            + (fail ? "echo \"wget: can't connect to remote host (10.0.0.5): Connection refused\" >&2\nexit 1\n" : "echo page\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(wget, NodeFile.Executable);
        }
        var curl = Path.Combine(_dir, "curl");
        File.WriteAllText(curl, ContainerServiceFiles.GuestCurlText);
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(curl);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["PATH"] = $"{_dir}:{Environment.GetEnvironmentVariable("PATH")}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var args = File.Exists(record) ? File.ReadAllText(record).Split('\0', StringSplitOptions.RemoveEmptyEntries) : null;
        return (process.ExitCode, stdout.Result, stderr, args);
    }
}
