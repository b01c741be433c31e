using DockStack.Bench;

namespace DockStack.UnitTests;

/// <summary>The bench harness's command line; a temp folder stands in for the repository (it needs ./dockstack).</summary>
public sealed class BenchOptionsTests : IDisposable
{
    private readonly string _repo = Directory.CreateTempSubdirectory("dockstack-bench-options-").FullName;

    public BenchOptionsTests()
    {
        File.WriteAllText(Path.Combine(_repo, "dockstack"), "#!/bin/sh\n");
        File.WriteAllText(ConfigFile, "[[local|localrc]]\nADMIN_PASSWORD=secret\n");
    }

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    private string ConfigFile => Path.Combine(_repo, "local.conf");

    private (bool Ok, BenchOptions? Options, string Problem) Parse(params string[] args)
    {
        var ok = BenchOptions.TryParse([.. args, "--repo", _repo], out var options, out var problem);
        return (ok, options, problem);
    }

    [Fact]
    public void TryParse_NoSuite_RunsTheLifecycleFiveTimes_IntoTheRepositorysBenchmarksFile()
    {
        var (ok, options, problem) = Parse();

        Assert.True(ok, problem);
        Assert.Equal(BenchSuite.Lifecycle, options!.Suite);
        Assert.Equal(BenchOptions.DefaultRuns, options.Runs);
        Assert.Equal(5, options.Runs);
        Assert.Null(options.ConfigFile);
        Assert.Equal(Path.Combine(_repo, "bench", "BENCHMARKS.md"), options.OutputFile);
    }

    [Fact]
    public void TryParse_CloudSuiteWithConfig_RunsThreeTimes_WithTheConfigsFullPath()
    {
        var (ok, options, problem) = Parse("--suite", "cloud", "--config", ConfigFile);

        Assert.True(ok, problem);
        Assert.Equal(BenchSuite.Cloud, options!.Suite);
        Assert.Equal(3, options.Runs);
        Assert.Equal(Path.GetFullPath(ConfigFile), options.ConfigFile);
        Assert.Equal(_repo, options.RepoRoot);
    }

    [Fact]
    public void TryParse_CloudSuite_TakesRunsAndOutputAsGiven()
    {
        var output = Path.Combine(_repo, "out.md");

        var (ok, options, problem) = Parse("--suite", "cloud", "--config", ConfigFile, "--runs", "7", "--output", output);

        Assert.True(ok, problem);
        Assert.Equal(7, options!.Runs);
        Assert.Equal(output, options.OutputFile);
    }

    [Fact]
    public void TryParse_CloudSuiteWithoutConfig_IsRefused()
    {
        var (ok, options, problem) = Parse("--suite", "cloud");

        Assert.False(ok);
        Assert.Null(options);
        Assert.Contains("--suite cloud needs --config", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ConfigFileThatDoesNotExist_IsRefused()
    {
        var missing = Path.Combine(_repo, "nope", "local.conf");

        var (ok, _, problem) = Parse("--suite", "cloud", "--config", missing);

        Assert.False(ok);
        Assert.Contains("no such file", problem, StringComparison.Ordinal);
        Assert.Contains(missing, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--suite", "lifecycle")]
    [InlineData("--runs", "2")]
    public void TryParse_ConfigWithTheLifecycleSuite_IsRefused(params string[] before)
    {
        var (ok, _, problem) = Parse([.. before, "--config", ConfigFile]);

        Assert.False(ok);
        Assert.Contains("--config applies to --suite cloud only", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--suite", "zun")]
    [InlineData("--suite", "Cloud")]
    [InlineData("--suite")]
    public void TryParse_UnknownSuite_IsRefused(params string[] args)
    {
        var ok = BenchOptions.TryParse(args, out var options, out var problem);

        Assert.False(ok);
        Assert.Null(options);
        Assert.StartsWith("--suite needs 'lifecycle' or 'cloud'", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("51")]
    [InlineData("three")]
    [InlineData("+3")]
    public void TryParse_RunsOutsideOneToFifty_IsRefused(string runs)
    {
        var (ok, _, problem) = Parse("--suite", "cloud", "--config", ConfigFile, "--runs", runs);

        Assert.False(ok);
        Assert.Contains("--runs needs a number from 1 to 50", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ConfigFollowedByAnotherOption_AsksForAPath()
    {
        var (ok, _, problem) = Parse("--suite", "cloud", "--config", "--runs", "3");

        Assert.False(ok);
        Assert.Equal("--config needs a path.", problem);
    }

    [Fact]
    public void TryParse_Help_SucceedsWithoutOptions()
    {
        var ok = BenchOptions.TryParse(["--help"], out var options, out _);

        Assert.True(ok);
        Assert.Null(options);
    }

    [Fact]
    public void CommandLine_RepeatsTheArguments_QuotingOnlyWhatTheShellWouldSplit()
    {
        var config = Path.Combine(_repo, "my cloud.conf");
        File.WriteAllText(config, "");

        var (ok, options, problem) = Parse("--suite", "cloud", "--config", config);

        Assert.True(ok, problem);
        Assert.Equal($"{BenchOptions.Launcher} --suite cloud --config '{config}' --repo {_repo}", options!.CommandLine);
    }
}
