using System.Globalization;

namespace DockStack.Bench;

/// <summary>Which benchmark runs: the bare node lifecycle (default) or a configured cloud's warm start.</summary>
public enum BenchSuite
{
    Lifecycle,
    Cloud,
}

/// <summary>
/// Command line of the harness: <c>--suite lifecycle|cloud</c>, <c>--config FILE</c> (cloud), <c>--runs N</c>,
/// <c>--output FILE</c>, <c>--repo DIR</c>. <see cref="Arguments"/> are the arguments as given, for the report.
/// </summary>
public sealed record BenchOptions(BenchSuite Suite, int Runs, string RepoRoot, string OutputFile, string? ConfigFile, IReadOnlyList<string> Arguments)
{
    public const int DefaultRuns = 5;
    public const int DefaultCloudRuns = 3;
    public const string Launcher = "dotnet run --project bench/DockStack.Bench -c Release --";

    public const string Usage = """
        usage: dotnet run --project bench/DockStack.Bench -c Release -- [--suite lifecycle|cloud] [--config FILE] [--runs N] [--output FILE] [--repo DIR]
          --suite NAME   lifecycle: the bare node's up/down/snapshot (default);
                         cloud: warm start of the cloud FILE describes, readiness, idle memory, image sizes
          --config FILE  the local.conf of the cloud suite (required with --suite cloud, not allowed otherwise)
          --runs N       measured runs after one warm-up (default 5 for lifecycle, 3 for cloud; 1-50)
          --output FILE  the markdown file whose section is replaced (default bench/BENCHMARKS.md)
          --repo DIR     the repository holding ./dockstack (default: found from the current folder)
        The environment is passed on to ./dockstack (e.g. DOCKSTACK_BUILD_ARGS, DOCKER_HOST); DOCKSTACK_HOME is a temp folder.
        """;

    /// <summary>The command line that produced the figures, as a reader would type it.</summary>
    public string CommandLine => string.Join(' ', Arguments.Select(Quote).Prepend(Launcher));

    /// <summary>False with a problem on bad input; true with null options for --help.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out BenchOptions? options, out string problem)
    {
        options = null;
        problem = "";
        int? runs = null;
        var suite = BenchSuite.Lifecycle;
        string? repo = null, output = null, config = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "-h" or "--help":
                    return true;
                case "--runs" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 50:
                    runs = n;
                    i++;
                    break;
                case "--runs":
                    problem = $"--runs needs a number from 1 to 50, not '{value}'.";
                    return false;
                case "--suite" when value is "lifecycle" or "cloud":
                    suite = value == "cloud" ? BenchSuite.Cloud : BenchSuite.Lifecycle;
                    i++;
                    break;
                case "--suite":
                    problem = $"--suite needs 'lifecycle' or 'cloud', not '{value}'.";
                    return false;
                case "--config" when value is not null && !value.StartsWith("--", StringComparison.Ordinal):
                    config = value;
                    i++;
                    break;
                case "--output" when value is not null && !value.StartsWith("--", StringComparison.Ordinal):
                    output = value;
                    i++;
                    break;
                case "--repo" when value is not null && !value.StartsWith("--", StringComparison.Ordinal):
                    repo = value;
                    i++;
                    break;
                case "--config" or "--output" or "--repo":
                    problem = $"{args[i]} needs a path.";
                    return false;
                default:
                    problem = $"Unknown option '{args[i]}'.";
                    return false;
            }
        }
        if (suite == BenchSuite.Cloud && config is null)
        {
            problem = "--suite cloud needs --config FILE (the local.conf of the cloud to measure).";
            return false;
        }
        if (suite != BenchSuite.Cloud && config is not null)
        {
            problem = "--config applies to --suite cloud only (the lifecycle suite runs the bare node).";
            return false;
        }
        if (config is not null && !File.Exists(config))
        {
            problem = $"--config: no such file '{config}'.";
            return false;
        }
        repo = repo is null ? FindRepoRoot() : Path.GetFullPath(repo);
        if (repo is null || !File.Exists(Path.Combine(repo, "dockstack")))
        {
            problem = "Cannot find the repository (a folder with DockStack.slnx and ./dockstack): run from inside it or pass --repo DIR.";
            return false;
        }
        options = new BenchOptions(suite, runs ?? (suite == BenchSuite.Cloud ? DefaultCloudRuns : DefaultRuns), repo,
            Path.GetFullPath(output ?? Path.Combine(repo, "bench", "BENCHMARKS.md")), config is null ? null : Path.GetFullPath(config), args.ToList());
        return true;
    }

    private static string? FindRepoRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DockStack.slnx")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@".Contains(c)) ? argument : $"'{argument.Replace("'", "'\\''")}'";
}
