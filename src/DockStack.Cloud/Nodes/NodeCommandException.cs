namespace DockStack.Cloud.Nodes;

/// <summary>A command run in a node failed: carries what ran, its exit code and the last lines it printed.</summary>
public sealed class NodeCommandException(string what, IReadOnlyList<string> command, long exitCode, IReadOnlyList<string> tail)
    : Exception(Format(what, command, exitCode, tail))
{
    public IReadOnlyList<string> Command { get; } = command;
    public long ExitCode { get; } = exitCode;
    public IReadOnlyList<string> Tail { get; } = tail;

    private static string Format(string what, IReadOnlyList<string> command, long exitCode, IReadOnlyList<string> tail)
    {
        var lines = tail.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(15).Select(l => "    " + l);
        return $"{what}: '{string.Join(' ', command)}' exited with code {exitCode}." +
            (tail.Count > 0 ? Environment.NewLine + "  last lines:" + Environment.NewLine + string.Join(Environment.NewLine, lines) : "");
    }
}
