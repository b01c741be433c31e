using System.Diagnostics;

namespace DockStack.TestSupport;

/// <summary>
/// Runs the repository's <c>./dockstack</c> script (which builds the CLI when needed) as a user does, from the
/// repository root with a private DOCKSTACK_HOME, so nothing of the user's own clouds is read or written.
/// </summary>
public sealed class DockStackCli : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    private readonly bool _ownsHome;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly TimeSpan? _interruptGrace;

    /// <summary>A CLI with a new temporary DOCKSTACK_HOME, deleted by <see cref="Dispose"/>.</summary>
    public DockStackCli()
        : this(Directory.CreateTempSubdirectory("dockstack-it-").FullName)
    {
        _ownsHome = true;
    }

    /// <param name="home">The DOCKSTACK_HOME, kept by <see cref="Dispose"/>.</param>
    /// <param name="environment">Variables every command gets on top of DOCKSTACK_HOME and COLUMNS=200.</param>
    /// <param name="interruptGrace">On timeout, a SIGINT first and this long to clean up before the kill (null: kill at once).</param>
    public DockStackCli(string home, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? interruptGrace = null)
    {
        Home = home;
        _environment = environment ?? new Dictionary<string, string>();
        _interruptGrace = interruptGrace;
    }

    public string Home { get; }

    public static string Script => Path.Combine(RepositoryRoot.Path, "dockstack");

    /// <summary>Where <see cref="Script"/> builds the CLI (<c>dockstack.dll</c> and its dependencies), current once a command ran.</summary>
    public static string BuildOutput => Path.Combine(RepositoryRoot.Path, "artifacts", "cli");

    public Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, null);

    /// <summary>Runs one command to its end (<see cref="DefaultTimeout"/> unless given).</summary>
    public Task<ProcessResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        ProcessRunner.RunAsync(Script, args, Options(environment) with { Timeout = timeout ?? DefaultTimeout, InterruptGrace = _interruptGrace }, cancellationToken);

    /// <summary>Starts a command and returns the running process (stdout and stderr redirected, stdin closed).</summary>
    public Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        ProcessRunner.Start(Script, args, Options(environment));

    public void Dispose()
    {
        if (!_ownsHome)
        {
            return;
        }
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private ProcessOptions Options(IReadOnlyDictionary<string, string>? environment)
    {
        var variables = new Dictionary<string, string?> { ["DOCKSTACK_HOME"] = Home, ["COLUMNS"] = "200" };
        foreach (var (key, value) in _environment.Concat(environment ?? new Dictionary<string, string>()))
        {
            variables[key] = value;
        }
        return new ProcessOptions { Environment = variables, WorkingDirectory = RepositoryRoot.Path };
    }
}
