using DockStack.Cli.Commands;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using DockStack.Cloud.Lifecycle;
using DockStack.Docker;
using Spectre.Console;

namespace DockStack.Cli.Infrastructure;

/// <summary>What every command needs: the console, the engine (opened on first use) and the cloud manager.</summary>
public sealed class CliServices(IAnsiConsole console, Func<INodeEngine> engineFactory, StatePaths paths) : IDisposable
{
    private INodeEngine? _engine;

    public IAnsiConsole Console { get; } = console;
    public StatePaths Paths { get; } = paths;
    public INodeEngine Engine => _engine ??= engineFactory();

    public CloudManager Manager(ICloudEvents events) => new(Engine, events, Paths);

    public EventRenderer Renderer(CloudSettings settings) =>
        new(Console, OutputMode.Detect(Console, settings.Verbose, settings is OutputSettings { Json: true }));

    public void Dispose() => _engine?.Dispose();
}
