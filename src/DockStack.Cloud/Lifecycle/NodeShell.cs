using DockStack.Docker;

namespace DockStack.Cloud.Lifecycle;

/// <summary>An interactive login shell in a cloud's node, found and ready to attach to a terminal (<see cref="CloudManager.OpenShellAsync"/>).</summary>
public sealed class NodeShell
{
    private readonly INodeEngine _engine;
    private readonly string _nodeId;
    private readonly ExecRequest _request;

    internal NodeShell(INodeEngine engine, string nodeId, ExecRequest request)
    {
        _engine = engine;
        _nodeId = nodeId;
        _request = request;
    }

    /// <summary>Runs until the shell exits; returns its exit code.</summary>
    public Task<int> RunAsync(Stream input, Stream output, Func<(int Width, int Height)>? terminalSize, CancellationToken cancellationToken) =>
        _engine.ExecInteractiveAsync(_nodeId, _request, input, output, terminalSize, cancellationToken);
}
