using System.Text.RegularExpressions;

namespace DockStack.UnitTests.Architecture;

/// <summary>
/// Inside DockStack.Cloud the folders depend downward too: Lifecycle on top (nothing uses it), the `dockstack test`
/// logic used by Lifecycle only, Provisioning/Api over Nodes, Nodes over Events. Read from the sources: a folder uses
/// another when a file names its namespace (using, fully qualified, or relative to DockStack.Cloud).
/// </summary>
public partial class CloudFoldersTests
{
    private static readonly string CloudRoot = RepositoryFiles.Path("src", "DockStack.Cloud");

    /// <summary>Every (file's folder, namespace it uses) pair, both as paths below DockStack.Cloud with '.' separators.</summary>
    private static IReadOnlyList<(string File, string Folder, string Used)> Uses()
    {
        var topFolders = Directory.GetDirectories(CloudRoot).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).ToHashSet();
        var uses = new List<(string, string, string)>();
        foreach (var file in Directory.GetFiles(CloudRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(CloudRoot, file);
            if (relative.StartsWith("bin", StringComparison.Ordinal) || relative.StartsWith("obj", StringComparison.Ordinal))
            {
                continue;
            }
            var folder = (Path.GetDirectoryName(relative) ?? "").Replace(Path.DirectorySeparatorChar, '.');
            var text = File.ReadAllText(file);
            var used = Qualified().Matches(text).Select(m => m.Groups[1].Value)
                .Concat(Relative().Matches(text).Select(m => m.Groups[1].Value).Where(n => topFolders.Contains(n.Split('.')[0])));
            uses.AddRange(used.Distinct().Select(u => (relative, folder, u)));
        }
        return uses;
    }

    private static bool Within(string name, string ns) => name == ns || name.StartsWith(ns + ".", StringComparison.Ordinal);

    [Theory]
    [InlineData("Lifecycle", new[] { "Lifecycle" })]
    [InlineData("ContainerService.Testing", new[] { "ContainerService.Testing", "Lifecycle" })]
    public void OnlyTheLayersAbove_UseANamespace(string ns, string[] users)
    {
        var offending = Uses().Where(u => Within(u.Used, ns) && !users.Any(f => Within(u.Folder, f))).Select(u => u.File).Distinct().ToList();
        Assert.True(offending.Count == 0, $"{ns} is used from below it: {string.Join(", ", offending)}");
    }

    [Theory]
    [InlineData("Events", new string[0])]
    [InlineData("Nodes", new[] { "Events" })]
    [InlineData("Provisioning.Api", new[] { "Nodes", "Events" })]
    public void LowerFolders_UseOnlyWhatIsBelowThem(string folder, string[] allowed)
    {
        var offending = Uses()
            .Where(u => Within(u.Folder, folder) && !Within(u.Used, folder) && !allowed.Any(a => Within(u.Used, a)))
            .Select(u => $"{u.File} uses {u.Used}")
            .ToList();
        Assert.True(offending.Count == 0, string.Join("; ", offending));
    }

    [Fact]
    public void Folders_FormNoCycle()
    {
        // Each folder (Provisioning/Config and Provisioning/Layers are two) points only downward: no folder reaches itself.
        var uses = Uses();
        var folders = uses.Select(u => u.Folder).ToHashSet();
        string? FolderOf(string used)
        {
            var parts = used.Split('.');
            var folder = Enumerable.Range(1, parts.Length).Reverse().Select(n => string.Join('.', parts.Take(n))).FirstOrDefault(folders.Contains);
            // "Services.Contains" (a property) is no use of the Services folder: past the folder must come a folder or a type of it.
            var depth = folder?.Split('.').Length ?? 0;
            return folder is not null && depth < parts.Length
                && !File.Exists(Path.Combine([CloudRoot, .. folder.Split('.'), parts[depth] + ".cs"]))
                && !folders.Contains(folder + "." + parts[depth])
                ? null
                : folder;
        }
        var graph = uses.Select(u => (u.Folder, To: FolderOf(u.Used))).Where(e => e.To is not null && e.To != e.Folder)
            .GroupBy(e => e.Folder).ToDictionary(g => g.Key, g => g.Select(e => e.To!).ToHashSet());
        foreach (var start in graph.Keys)
        {
            var seen = new HashSet<string>();
            var pending = new Stack<(string Folder, string Path)>(graph[start].Select(n => (n, $"{start} -> {n}")));
            while (pending.TryPop(out var next))
            {
                Assert.False(next.Folder == start, $"a folder cycle: {next.Path}");
                if (seen.Add(next.Folder) && graph.TryGetValue(next.Folder, out var onward))
                {
                    foreach (var n in onward) { pending.Push((n, $"{next.Path} -> {n}")); }
                }
            }
        }
    }

    [Fact]
    public void TheScan_SeesTheKnownUses()
    {
        var uses = Uses();
        Assert.Contains(uses, u => u.Folder == "Lifecycle" && Within(u.Used, "Provisioning"));
        Assert.Contains(uses, u => u.Folder == "Provisioning.Api" && Within(u.Used, "Nodes"));
    }

    /// <summary>DockStack.Cloud.X.Y in a using or a qualified name: captures X.Y (type names included; only prefixes are compared).</summary>
    [GeneratedRegex(@"\bDockStack\.Cloud\.([A-Z]\w*(?:\.[A-Z]\w*)*)")]
    private static partial Regex Qualified();

    /// <summary>X.Y not preceded by a dot or identifier: a name relative to DockStack.Cloud when X is one of its folders.</summary>
    [GeneratedRegex(@"(?<![\w.])([A-Z]\w*\.[A-Z]\w*)")]
    private static partial Regex Relative();
}
