using System.Text.Json.Nodes;

namespace DockStack.TestSupport;

/// <summary>
/// What a finished program wrote: <see cref="Stdout"/> and <see cref="Stderr"/> exactly as written, and
/// <see cref="Output"/>, both streams' lines in the order they arrived (what a terminal would have shown).
/// </summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, string Output)
{
    /// <summary>Stdout parsed as JSON (e.g. the OpenStack client's <c>-f json</c>).</summary>
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("empty output");

    /// <summary>The last lines of <see cref="Output"/>, for a failure message.</summary>
    public string Tail(int lines = 40) => ProcessRunner.Tail(Output, lines);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>How <see cref="ProcessRunner"/> runs a program.</summary>
public sealed record ProcessOptions
{
    /// <summary>Variables set for the program on top of the caller's environment; a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Null: the caller's working directory.</summary>
    public string? WorkingDirectory { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// On timeout, a SIGINT first (what Ctrl+C sends: the CLI cleans up what it was building) and this long to exit
    /// before the process tree is killed; null kills it at once.
    /// </summary>
    public TimeSpan? InterruptGrace { get; init; }
}
