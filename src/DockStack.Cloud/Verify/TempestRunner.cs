using System.Text;
using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Api;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Neutron;
using DockStack.Docker;

namespace DockStack.Cloud.Verify;

/// <summary>What <c>verify</c> runs and where its results go.</summary>
public sealed record VerifyOptions(TempestSuite Suite, int Concurrency, BaseImageOptions BaseOptions);

/// <summary>A finished tempest run: the tests, the folder with its subunit stream, HTML and JUnit reports, log and
/// configuration, and each failed test's traceback by test id (read from that folder's <c>results.xml</c>).</summary>
public sealed record VerifyReport(TempestResults Results, string Directory, TimeSpan Elapsed, IReadOnlyDictionary<string, string> Tracebacks);

/// <summary>
/// Runs Debian's tempest against a running cloud: a side container from <see cref="TempestLayer"/>'s image that shares
/// the node's network namespace (so tempest reaches every API, and the floating IPs, as a process in the node would),
/// configured by <see cref="TempestConfig"/> from the cloud's settings and what the cloud itself answers.
/// </summary>
public sealed class TempestRunner(INodeEngine engine, ICloudEvents events)
{
    private const string Workspace = "/var/lib/tempest/workspace";
    private const string Results = "/var/lib/tempest/results";
    private const string ExcludeList = "/var/lib/tempest/exclude-list.txt";

    /// <summary>Tests that cannot pass against Debian's packages, each with its reason (<c>Verify/Files/exclude-list.txt</c>).</summary>
    public static string ExcludedTests => EmbeddedFiles.Read("Verify/Files/exclude-list.txt");

    public async Task<VerifyReport> RunAsync(string cloud, Node node, CloudSettings settings, VerifyOptions options, string resultsRoot,
        Action<TempestTest> onTest, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var baseImage = await new BaseImage(engine, events).EnsureAsync(options.BaseOptions, cancellationToken);
        var image = await new LayerBuilder(engine, events).EnsureAsync(baseImage, new TempestLayer(), cancellationToken);
        var facts = await events.StepAsync("Reading the cloud's images, networks and extensions", () => ReadFactsAsync(node, settings, cancellationToken));
        var config = TempestConfig.Render(settings, facts);

        var name = $"dockstack-{cloud}-verify-{Guid.NewGuid().ToString("N")[..6]}";
        var id = await engine.CreateContainerAsync(NodeSpec.ForSidecar(name, image, node.Id, cloud, "verify"), cancellationToken);
        try
        {
            await engine.StartContainerAsync(id, cancellationToken);
            var sidecar = new Node(engine, id, events);
            await sidecar.RunAsync("tempest init", ["tempest", "init", Workspace], cancellationToken);
            await sidecar.WriteFilesAsync([NodeFile.Text($"{Workspace}/etc/tempest.conf", config), NodeFile.Text(ExcludeList, ExcludedTests)], cancellationToken);
            var results = new TempestResults();
            await events.StepAsync($"tempest run ({options.Suite.Name}, {options.Concurrency} workers)", async () =>
            {
                var lines = new LineSplitter(line =>
                {
                    events.Publish(new CommandOutput(line + "\n"));
                    if (results.Add(line) is { } test)
                    {
                        events.Publish(new StepProgress("tempest run", results.Tests.Count, null,
                            $"tests done ({results.Passed} passed, {results.Failed} failed, {results.Skipped} skipped)"));
                        if (test.Outcome == TestOutcome.Failed)
                        {
                            events.Warn($"FAILED {test.Id}");
                        }
                        onTest(test);
                    }
                });
                // tempest exits non-zero when a test failed: the results say so, the run itself did not fail.
                var run = await engine.ExecAsync(id, new ExecRequest(["sh", "-c", $"cd {Workspace} && exec tempest run --concurrency {options.Concurrency} --exclude-list {ExcludeList} \"$@\"", "tempest", .. options.Suite.RunArguments]),
                    o => lines.Add(o.Text), cancellationToken);
                lines.Flush();
                if (results.Tests.Count == 0)
                {
                    throw new NodeCommandException("tempest run (no test ran)", ["tempest", "run", .. options.Suite.RunArguments], run.ExitCode, run.Tail);
                }
            });
            var directory = Path.Combine(resultsRoot, DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
            await events.StepAsync("Writing the results (subunit, HTML, JUnit XML)", () => CopyResultsAsync(sidecar, directory, settings, cancellationToken));
            return new VerifyReport(results, directory, clock.Elapsed, TempestResults.Tracebacks(Path.Combine(directory, "results.xml")));
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await engine.RemoveContainerAsync(id, force: true, cleanup.Token);
        }
    }

    private static async Task<TempestFacts> ReadFactsAsync(Node node, CloudSettings settings, CancellationToken cancellationToken)
    {
        var http = new NodeHttp(node);
        var token = (await KeystoneAdmin.LoginAsync(http, settings.Passwords.Admin, cancellationToken)).Token;
        string? image = null, network = null;
        List<string> extensions = [];
        if (settings.Has(GlanceModule.Api))
        {
            var images = await http.RequireAsync("GET", $"{GlanceModule.Url}/v2/images?name={GuestImageStep.ImageName}", null, token, cancellationToken);
            image = images.Body?["images"]?.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
        }
        if (settings.Has(NeutronModule.Server))
        {
            var networks = await http.RequireAsync("GET", $"{NeutronModule.Url}/v2.0/networks?name=public&router:external=true", null, token, cancellationToken);
            network = networks.Body?["networks"]?.AsArray().FirstOrDefault()?["id"]?.GetValue<string>();
            var listed = await http.RequireAsync("GET", $"{NeutronModule.Url}/v2.0/extensions", null, token, cancellationToken);
            extensions = listed.Body?["extensions"]?.AsArray().Select(e => e?["alias"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
        }
        return new TempestFacts(image, network, extensions);
    }

    private static async Task CopyResultsAsync(Node sidecar, string directory, CloudSettings settings, CancellationToken cancellationToken)
    {
        await sidecar.ShellAsync("Gathering the results", EmbeddedFiles.Read("Verify/Scripts/gather-results.sh"), cancellationToken,
            [$"WORKSPACE={Workspace}", $"RESULTS={Results}"]);
        await HostFiles.CopyPackedFolderAsync(sidecar.Engine, sidecar.Id, Results + ".tar.gz", directory, cancellationToken);
        HostFiles.MaskSecrets(directory, [settings.Passwords.Admin, settings.Passwords.Service, settings.Passwords.Database, settings.Passwords.Rabbit], HostFiles.Mask);
    }
}

/// <summary>Turns chunks of output into whole lines.</summary>
internal sealed class LineSplitter(Action<string> onLine)
{
    private readonly StringBuilder _pending = new();

    public void Add(string chunk)
    {
        foreach (var c in chunk)
        {
            if (c == '\n')
            {
                onLine(_pending.ToString().TrimEnd('\r'));
                _pending.Clear();
            }
            else
            {
                _pending.Append(c);
            }
        }
    }

    public void Flush()
    {
        if (_pending.Length > 0)
        {
            onLine(_pending.ToString());
            _pending.Clear();
        }
    }
}
