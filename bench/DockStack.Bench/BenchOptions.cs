using System.Globalization;

namespace DockStack.Bench;

/// <summary>Command line of the harness: <c>--runs N</c>, <c>--output FILE</c>, <c>--repo DIR</c>.</summary>
public sealed record BenchOptions(int Runs, string RepoRoot, string OutputFile)
{
    public const int DefaultRuns = 5;

    public const string Usage = """
        usage: dotnet run --project bench/DockStack.Bench -c Release -- [--runs N] [--output FILE] [--repo DIR]
          --runs N       measured runs of each step after one warm-up (default 5, 1-50)
          --output FILE  the markdown file whose section is replaced (default bench/BENCHMARKS.md)
          --repo DIR     the repository holding ./dockstack (default: found from the current folder)
        The environment is passed on to ./dockstack (e.g. DOCKSTACK_BUILD_ARGS, DOCKER_HOST); DOCKSTACK_HOME is a temp folder.
        """;

    /// <summary>False with a problem on bad input; true with null options for --help.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out BenchOptions? options, out string problem)
    {
        options = null;
        problem = "";
        var runs = DefaultRuns;
        string? repo = null, output = null;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "-h" or "--help":
                    return true;
                case "--runs" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out runs) && runs is >= 1 and <= 50:
                    i++;
                    break;
                case "--runs":
                    problem = $"--runs needs a number from 1 to 50, not '{value}'.";
                    return false;
                case "--output" when value is not null:
                    output = value;
                    i++;
                    break;
                case "--repo" when value is not null:
                    repo = value;
                    i++;
                    break;
                default:
                    problem = $"Unknown or incomplete option '{args[i]}'.";
                    return false;
            }
        }
        repo = repo is null ? FindRepoRoot() : Path.GetFullPath(repo);
        if (repo is null || !File.Exists(Path.Combine(repo, "dockstack")))
        {
            problem = "Cannot find the repository (a folder with DockStack.slnx and ./dockstack): run from inside it or pass --repo DIR.";
            return false;
        }
        options = new BenchOptions(runs, repo, Path.GetFullPath(output ?? Path.Combine(repo, "bench", "BENCHMARKS.md")));
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
}
