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
/// <param name="databases">The databases of the modules this layer provisions (the MariaDB step creates them).</param>
public sealed class ProvisioningContext(Node node, CloudSettings settings, IReadOnlyList<ServiceDatabase> databases, CancellationToken cancellationToken)
{
    public Node Node { get; } = node;
    public CloudSettings Settings { get; } = settings;
    public IReadOnlyList<ServiceDatabase> Databases { get; } = databases;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public ICloudEvents Events => Node.Events;
    public NodeHttp Http { get; } = new(node);

    /// <summary>Set by the Keystone step once it has bootstrapped the admin; later steps register through it.</summary>
    public KeystoneAdmin? Keystone { get; set; }

    /// <summary>Keystone as the bootstrap admin: the Keystone step's session, or a new one (in a later layer's build).</summary>
    public async Task<KeystoneAdmin> KeystoneAsync() =>
        Keystone ??= await KeystoneAdmin.LoginAsync(Node, Settings.Passwords.Admin, CancellationToken);

    public Task<ExecResult> ShellAsync(string what, string script) => Node.ShellAsync(what, script, CancellationToken);

    /// <summary>Runs one of the embedded scripts (<c>Services/&lt;Module&gt;/Scripts/...</c>) with <c>sh -ec</c>.</summary>
    public Task<ExecResult> ScriptAsync(string what, string path, IReadOnlyList<string>? arguments = null, IReadOnlyList<string>? environment = null) =>
        Node.RunAsync(what, ["sh", "-ec", EmbeddedFiles.Read(path), Path.GetFileName(path), .. arguments ?? []], CancellationToken, environment);

    /// <summary>Runs a command as a service's own user (db syncs must not leave root-owned files behind).</summary>
    public Task<ExecResult> RunAsAsync(string user, string what, params string[] command) =>
        Node.RunAsync(what, ["runuser", "-u", user, "--", .. command], CancellationToken);

    /// <summary>
    /// Edits a Debian config file as INI: the module's settings, then local.conf's post-config settings for that file,
    /// keeping its owner and mode (Debian ships them root:&lt;service&gt; 0640).
    /// </summary>
    public async Task ConfigureAsync(ConfigFile file)
    {
        var path = file.Path;
        var current = await Node.ExecAsync(["cat", path], CancellationToken);
        var document = current.Succeeded ? IniDocument.Parse(current.Stdout) : IniDocument.Empty();
        document.SetAll(file.SettingsWithPostConfig(Settings));
        var owner = current.Succeeded ? (await Node.RunAsync($"Reading the owner of {path}", ["stat", "-c", "%U:%G %a", path], CancellationToken)).Stdout.Trim() : "root:root 644";
        await Node.WriteFilesAsync([NodeFile.Text(path, document.Render())], CancellationToken);
        var parts = owner.Split(' ');
        await Node.RunAsync($"Restoring the owner of {path}", ["sh", "-c", $"chown {parts[0]} '{path}' && chmod {parts[1]} '{path}'"], CancellationToken);
    }

    /// <summary>Enables and starts units, so they also start on every boot of the committed image; when that fails, the error carries each unit that did not start's journal and log tail.</summary>
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
    /// http-socket had closed (docs/provisioning.md).</summary>
    public Task SetUwsgiWorkersAsync(string iniPath, int processes, int? threads = null) =>
        ScriptAsync($"uwsgi workers in {iniPath}", "Services/Scripts/uwsgi-workers.sh",
            [iniPath, processes.ToString(CultureInfo.InvariantCulture), .. threads is { } t ? [t.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()]);
}
