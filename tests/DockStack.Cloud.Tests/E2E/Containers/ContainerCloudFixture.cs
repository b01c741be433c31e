using System.Text.Json.Nodes;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E.Containers;

/// <summary>
/// A cloud with the container service (MariaDB, RabbitMQ, Keystone and zun), brought up by the built
/// `./dockstack up` (the plan publishes port 9517), shared by the container-service E2E tests and removed after.
/// </summary>
public sealed class ContainerCloudFixture : IAsyncLifetime
{
    /// <summary>DOCKSTACK_E2E_ZUN_CLOUD names a running cloud (with DOCKSTACK_E2E_ZUN_HOME its DOCKSTACK_HOME) to test instead of bringing one up.</summary>
    public static readonly string? Reused = Environment.GetEnvironmentVariable("DOCKSTACK_E2E_ZUN_CLOUD");

    public static readonly string Name = Reused ?? "e2e-zun";
    public static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(50);

    public string Home { get; } = Environment.GetEnvironmentVariable("DOCKSTACK_E2E_ZUN_HOME") ?? Path.Combine(Path.GetTempPath(), "dockstack-e2e-zun-home");

    public string CloudsYaml => Path.Combine(Home, "clouds", Name, "clouds.yaml");

    public OpenStackCli Admin => new(CloudsYaml, "devstack-admin");

    /// <summary>DevStack's demo user, a member of the demo project: another project than <see cref="Admin"/>'s.</summary>
    public OpenStackCli Demo => new(CloudsYaml, "devstack");

    private DockStackCli Cli => new(Home);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Home);
        if (Reused is not null)
        {
            await WaitForComputeAsync(TimeSpan.FromMinutes(4));
            return;
        }
        var config = Path.Combine(AppContext.BaseDirectory, "TestData", "containers.conf");
        var up = await DockStackAsync(["up", "--config", config], UpTimeout);
        if (up.ExitCode != 0)
        {
            throw new InvalidOperationException($"dockstack up --name {Name} failed ({up.ExitCode}):\n{up.Output}");
        }
        await WaitForComputeAsync(TimeSpan.FromMinutes(4));
    }

    /// <summary>Runs `./dockstack ARGS --name NAME` (the name goes before a `--`, whose rest is the node's command).</summary>
    public Task<ProcessResult> DockStackAsync(IReadOnlyList<string> arguments, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var dashes = arguments.ToList().IndexOf("--");
        List<string> full = dashes < 0 ? [.. arguments, "--name", Name] : [.. arguments.Take(dashes), "--name", Name, .. arguments.Skip(dashes)];
        return Cli.RunAsync(full, timeout: timeout ?? TimeSpan.FromMinutes(5), cancellationToken: ct);
    }

    /// <summary>Runs a shell script in the node through `dockstack exec`; returns its output, throws on failure.</summary>
    public async Task<string> NodeAsync(string script)
    {
        var result = await Cli.RunAsync(["exec", "--name", Name, "--", "sh", "-c", script], timeout: TimeSpan.FromMinutes(2));
        return result.ExitCode == 0 ? result.Output : throw new InvalidOperationException($"in the node: {script} exited {result.ExitCode}:\n{result.Output}");
    }

    /// <summary>The nested engine's view of a guest: docker's State.Status ("running", "exited", "paused"), or null when it has none.</summary>
    public async Task<string?> EngineStateAsync(string uuid)
    {
        var result = await Cli.RunAsync(["exec", "--name", Name, "--", "docker", "inspect", "--format", "{{.State.Status}}", "zun-" + uuid], timeout: TimeSpan.FromMinutes(1));
        return result.ExitCode == 0 ? result.Output.Trim() : null;
    }

    /// <summary>Waits until `openstack appcontainer service list` shows zun-compute up.</summary>
    public async Task WaitForComputeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var last = "";
        while (true)
        {
            try
            {
                var services = await Admin.ListAsync(cts.Token, "appcontainer", "service", "list");
                // `service list -f json` has the table's column names as keys: Binary, State, Host.
                if (services.Any(s => s?["Binary"]?.GetValue<string>() == "zun-compute" && s["State"]?.GetValue<string>() == "up"))
                {
                    return;
                }
                last = services.ToJsonString();
            }
            catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException && !cts.IsCancellationRequested)
            {
                last = e.Message;
            }
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"zun-compute was not up within {timeout.TotalSeconds:0} s: {last}");
            }
            await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None);
        }
    }

    /// <summary>Polls `appcontainer show` (as the admin, in the admin project) until the status is one of <paramref name="statuses"/>.</summary>
    public Task<JsonObject> WaitForStatusAsync(string name, TimeSpan timeout, params string[] statuses) =>
        WaitForStatusAsync(Admin, name, timeout, statuses);

    /// <summary>Polls `appcontainer show` as <paramref name="user"/> until the status is one of <paramref name="statuses"/>.</summary>
    public async Task<JsonObject> WaitForStatusAsync(OpenStackCli user, string name, TimeSpan timeout, params string[] statuses)
    {
        using var cts = new CancellationTokenSource(timeout);
        JsonObject? last = null;
        while (!cts.IsCancellationRequested)
        {
            last = await user.ShowAsync(CancellationToken.None, "appcontainer", "show", name);
            if (statuses.Contains(last["status"]?.GetValue<string>()))
            {
                return last;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), CancellationToken.None);
        }
        throw new TimeoutException($"{name} did not reach {string.Join('/', statuses)} within {timeout.TotalSeconds:0} s (last: {last?["status"]} {last?["status_reason"]})");
    }

    public async Task WaitForGoneAsync(string name, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while ((await Admin.ListAsync(CancellationToken.None, "appcontainer", "list")).Any(c => c?["name"]?.GetValue<string>() == name))
        {
            await Task.Delay(500, cts.Token);
        }
    }

    public async Task DisposeAsync()
    {
        if (Reused is not null)
        {
            return;
        }
        var down = await Cli.RunAsync(["down", "--name", Name, "--purge"], timeout: TimeSpan.FromMinutes(5));
        if (down.ExitCode != 0)
        {
            Console.Error.WriteLine($"dockstack down --name {Name} --purge failed ({down.ExitCode}):\n{down.Output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ContainerCloudCollection : ICollectionFixture<ContainerCloudFixture>
{
    public const string Name = "container cloud";
}
