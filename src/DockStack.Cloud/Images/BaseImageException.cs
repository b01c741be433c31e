namespace DockStack.Cloud.Images;

/// <summary>The base image could not be made; carries the last lines of the builder's log.</summary>
public sealed class BaseImageException(string message, IReadOnlyList<string> logTail, Exception? inner = null)
    : Exception(logTail.Count == 0 ? message : message + Environment.NewLine + "  last lines of its log:" + Environment.NewLine + string.Join(Environment.NewLine, logTail.Select(l => "    " + l)), inner)
{
    public IReadOnlyList<string> LogTail { get; } = logTail;
}
