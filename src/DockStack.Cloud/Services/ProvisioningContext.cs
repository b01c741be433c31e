using System.Globalization;
using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Api;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Health;
using DockStack.Cloud.Provisioning.Ini;
using DockStack.Docker;

namespace DockStack.Cloud.Services;

/// <summary>What every provisioning step works with: the node, the typed settings, and small helpers.</summary>
public sealed class ProvisioningContext(Node node, CloudSettings settings, CancellationToken cancellationToken)
{
    public Node Node { get; } = node;
    public CloudSettings Settings { get; } = settings;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public ICloudEvents Events => Node.Events;
    public NodeHttp Http { get; } = new(node);

    /// <summary>Set by the Keystone step; the later steps register their users and endpoints through it.</summary>
    public KeystoneAdmin? Keystone { get; set; }

    public KeystoneAdmin RequireKeystone() => Keystone ?? throw new InvalidOperationException("Keystone is not provisioned yet.");

    public Task<ExecResult> ShellAsync(string what, string script) => Node.ShellAsync(what, script, CancellationToken);

    /// <summary>Runs a command as a service's own user (db syncs must not leave root-owned files behind).</summary>
    public Task<ExecResult> RunAsAsync(string user, string what, params string[] command) =>
        Node.RunAsync(what, ["runuser", "-u", user, "--", .. command], CancellationToken);

    /// <summary>
    /// Edits a Debian config file as INI: our settings, then local.conf's post-config settings for that file,
    /// keeping its owner and mode (Debian ships them root:&lt;service&gt; 0640).
    /// </summary>
    public async Task ConfigureAsync(string path, IEnumerable<(string Section, string Key, string Value)> settings)
    {
        var current = await Node.ExecAsync(["cat", path], CancellationToken);
        var document = current.Succeeded ? IniDocument.Parse(current.Stdout) : IniDocument.Empty();
        document.SetAll(settings);
        if (Settings.PostConfig.TryGetValue(path, out var overrides))
        {
            document.SetAll(overrides.Select(o => (o.Section, o.Key, o.Value)));
        }
        var owner = current.Succeeded ? (await Node.RunAsync($"Reading the owner of {path}", ["stat", "-c", "%U:%G %a", path], CancellationToken)).Stdout.Trim() : "root:root 644";
        await Node.WriteFilesAsync([NodeFile.Text(path, document.Render())], CancellationToken);
        var parts = owner.Split(' ');
        await Node.RunAsync($"Restoring the owner of {path}", ["sh", "-c", $"chown {parts[0]} '{path}' && chmod {parts[1]} '{path}'"], CancellationToken);
    }

    /// <summary>Enables and (re)starts units, so they also start on every boot of the committed image.</summary>
    /// <summary>Enables and starts units; when that fails, the error carries each unit that did not start's journal and log tail.</summary>
    public async Task StartAsync(params string[] units)
    {
        try
        {
            await Node.RunAsync($"Starting {string.Join(", ", units)}", ["systemctl", "enable", "--now", .. units], CancellationToken);
        }
        catch (NodeCommandException e)
        {
            var details = new System.Text.StringBuilder(e.Message);
            foreach (var unit in units)
            {
                var state = await Node.Engine.ExecAsync(Node.Id, new ExecRequest(["systemctl", "is-active", unit]), null, CancellationToken);
                if (state.Stdout.Trim() == "active")
                {
                    continue;
                }
                details.AppendLine().Append(await HealthChecker.JournalTailAsync(Node, unit, CancellationToken));
                // Debian's OpenStack services write their own log files: /var/log/<project>/<unit name>.log.
                var log = await Node.Engine.ExecAsync(Node.Id, new ExecRequest(["sh", "-c", $"tail -n 15 /var/log/*/{unit.Replace(".service", "", StringComparison.Ordinal)}.log 2>/dev/null | cut -c1-300"]), null, CancellationToken);
                if (log.Stdout.Trim().Length > 0)
                {
                    details.AppendLine().Append(CultureInfo.InvariantCulture, $"  log of {unit}:").AppendLine().Append(string.Join(Environment.NewLine, log.Stdout.TrimEnd().Split('\n').Select(l => "    " + l)));
                }
            }
            throw new InvalidOperationException(details.ToString(), e);
        }
    }

    public Task RestartAsync(params string[] units) =>
        Node.RunAsync($"Restarting {string.Join(", ", units)}", ["systemctl", "restart", .. units], CancellationToken);

    /// <summary>Waits until a URL answers below 500, or fails with the unit's journal.</summary>
    public async Task WaitForHttpAsync(string url, string unit, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var r = await Node.Engine.ExecAsync(Node.Id, new ExecRequest(["curl", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}", url]), null, cts.Token);
                if (int.TryParse(r.Stdout.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) && code is > 0 and < 500)
                {
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500), cts.Token);
            }
        }
        catch (OperationCanceledException) when (!CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{url} did not answer within {timeout.TotalSeconds:0} s.{Environment.NewLine}{await HealthChecker.JournalTailAsync(Node, unit, CancellationToken)}");
        }
    }

    /// <summary>Sets uwsgi's process (and optionally thread) count in a Debian uwsgi ini: one API worker, as DevStack runs them.
    /// Also makes every response say <c>Connection: close</c>: `server delete --wait` failed twice on a reused connection
    /// ("Remote end closed connection without response"); the likely cause is a client reusing a connection uwsgi's
    /// http-socket had closed (NOTES.md).</summary>
    public Task SetUwsgiWorkersAsync(string iniPath, int processes, int? threads = null) =>
        ShellAsync($"uwsgi workers in {iniPath}", $"""
            f='{iniPath}'
            test -f "$f"
            sed -i -E 's/^processes *=.*/processes = {processes}/' "$f"
            {(threads is { } t ? $"if grep -qE '^threads *=' \"$f\"; then sed -i -E 's/^threads *=.*/threads = {t}/' \"$f\"; else sed -i -E 's/^(processes *=.*)/\\1\\nthreads = {t}/' \"$f\"; fi" : "")}
            grep -q '^add-header = Connection: close' "$f" || printf '%s\n' 'add-header = Connection: close' >> "$f"
            """);
}

/// <summary>One provisioning step: configure a service, sync its database, start it, check it answers.</summary>
public interface IProvisioningStep
{
    string Title { get; }

    bool AppliesTo(CloudSettings settings);

    Task RunAsync(ProvisioningContext context);
}
