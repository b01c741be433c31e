using System.Text.Json;

namespace DockStack.Bench.Processes;

/// <summary>The docker CLI: the baseline is measured with it, and it cross-checks what <c>./dockstack</c> did.</summary>
public sealed class DockerCli
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(1);

    public Task<CommandResult> TryRunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        CommandRunner.RunAsync("docker", arguments, timeout ?? DefaultTimeout, cancellationToken);

    public async Task<CommandResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var result = await TryRunAsync(arguments, cancellationToken, timeout);
        if (!result.Succeeded)
        {
            throw new BenchException($"'{result.CommandLine}' failed with exit code {result.ExitCode}:{Environment.NewLine}{result.Tail()}");
        }
        return result;
    }

    /// <summary><c>docker inspect</c> of one container, as JSON.</summary>
    public async Task<JsonElement> InspectAsync(string container, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["container", "inspect", container], cancellationToken);
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement[0].Clone();
    }

    /// <summary>Ids of the objects of one kind (container, volume, image) carrying a label.</summary>
    public async Task<IReadOnlyList<string>> ListByLabelAsync(string kind, string label, CancellationToken cancellationToken)
    {
        string[] arguments = kind switch
        {
            "container" => ["ps", "-aq", "--no-trunc", "--filter", $"label={label}"],
            "volume" => ["volume", "ls", "-q", "--filter", $"label={label}"],
            "image" => ["images", "-q", "--no-trunc", "--filter", $"label={label}"],
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "container, volume or image"),
        };
        var result = await RunAsync(arguments, cancellationToken);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
    }
}
