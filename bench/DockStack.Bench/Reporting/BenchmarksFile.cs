namespace DockStack.Bench.Reporting;

/// <summary>
/// bench/BENCHMARKS.md holds one section per benchmark between <c>&lt;!-- bench:ID --&gt;</c> and <c>&lt;!-- /bench:ID --&gt;</c>;
/// a harness replaces its own section and leaves the others as they are.
/// </summary>
public static class BenchmarksFile
{
    public const string Header = """
        # Benchmarks

        Figures measured by the harnesses under `bench/` (see `bench/README.md`). Each harness writes its own section
        between `<!-- bench:ID -->` and `<!-- /bench:ID -->` and leaves the others alone; rerun it to refresh its figures.

        """;

    public static string Upsert(string? existing, string id, string section)
    {
        var begin = $"<!-- bench:{id} -->";
        var end = $"<!-- /bench:{id} -->";
        var block = $"{begin}\n{section.Trim()}\n{end}\n";
        if (string.IsNullOrWhiteSpace(existing))
        {
            return Header + "\n" + block;
        }
        var from = existing.IndexOf(begin, StringComparison.Ordinal);
        var to = from < 0 ? -1 : existing.IndexOf(end, from, StringComparison.Ordinal);
        if (from < 0 || to < 0)
        {
            return existing.TrimEnd() + "\n\n" + block;
        }
        var after = existing[(to + end.Length)..].TrimStart('\n');
        return existing[..from] + block + (after.Length > 0 ? "\n" + after : "");
    }

    /// <summary>Replaces the section in <paramref name="path"/> (written whole to a temp file, then moved over).</summary>
    public static void Write(string path, string id, string section)
    {
        var existing = File.Exists(path) ? File.ReadAllText(path) : null;
        var temp = path + ".tmp";
        File.WriteAllText(temp, Upsert(existing, id, section));
        File.Move(temp, path, overwrite: true);
    }
}
