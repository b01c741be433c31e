namespace DockStack.Cloud.Provisioning.LocalConf;

/// <summary>A local.conf that cannot be read: the message names the file and the line.</summary>
public sealed class LocalConfException(string source, int line, string problem)
    : Exception($"{source}, line {line}: {problem}")
{
    public string SourceName { get; } = source;
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}
