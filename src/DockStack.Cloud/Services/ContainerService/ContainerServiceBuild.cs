using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Api;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>The steps of <see cref="ContainerServiceLayer"/>, run in its build node.</summary>
internal sealed class ContainerServiceBuild(Node node, CloudSettings settings, ZunBundle bundle, CancellationToken ct)
{
    private static readonly string[] AptEnvironment = ["DEBIAN_FRONTEND=noninteractive"];
    private static readonly TimeSpan ServiceUpTimeout = TimeSpan.FromMinutes(3);

    public static readonly string InstallScript = $"""
        printf '#!/bin/sh\n# dockstack: no service starts while packages install\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        apt-get update -q
        apt-get install -y -q --no-install-recommends {string.Join(' ', ContainerServiceLayer.Packages)}
        rm -f /usr/sbin/policy-rc.d
        apt-get clean
        rm -rf /var/lib/apt/lists/*
        """;

    /// <summary>
    /// The build node has no volume at /var/lib/docker, so the engine ran on vfs in the image's root fs:
    /// stop it (and its socket, which would start it again) and leave the folder empty, so a cloud's new
    /// volume starts empty and the engine initialises overlay2 on it.
    /// </summary>
    public static readonly string StopAndWipeScript = $"""
        systemctl stop zun-api.service {ContainerServiceFiles.CirrosUnit}
        systemctl stop docker.socket docker.service containerd.service
        if grep -q ' /var/lib/docker/' /proc/mounts; then grep ' /var/lib/docker/' /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount; fi
        find /var/lib/docker /var/lib/containerd -mindepth 1 -maxdepth 1 -exec rm -rf {"{}"} +
        test -z "$(ls -A /var/lib/docker)"
        """;

    public Task InstallPackagesAsync() => node.RunAsync("Installing docker.io", ["sh", "-ec", InstallScript], ct, AptEnvironment);

    public async Task InstallServiceAsync()
    {
        await node.ShellAsync("The zun user", """
            getent group zun >/dev/null || addgroup --system zun
            getent passwd zun >/dev/null || adduser --system --ingroup zun --home /var/lib/zun --no-create-home --shell /usr/sbin/nologin zun
            install -d -o zun -g zun -m 750 /var/lib/zun /var/log/zun
            usermod -aG docker zun
            """, ct);
        await using (var tar = bundle.ToTar())
        {
            await node.Engine.PutArchiveAsync(node.Id, "/", tar, ct);
        }
        await node.WriteFilesAsync(ContainerServiceFiles.All(settings), ct);
        await node.ShellAsync("Config owners", $"""
            chown root:zun {ContainerServiceFiles.ConfigPath} && chmod 640 {ContainerServiceFiles.ConfigPath}
            {ZunBundle.InstallDirectory}/zun --help >/dev/null 2>&1 || {ZunBundle.InstallDirectory}/zun --help
            systemctl daemon-reload
            systemctl disable docker.socket >/dev/null 2>&1 || true
            systemctl mask docker.socket
            systemctl enable docker.service containerd.service {ContainerServiceFiles.CirrosUnit} zun-api.service
            """, ct);
    }

    public Task BuildGuestRootfsAsync() => node.RunAsync("Building the CirrOS rootfs", [ContainerServiceFiles.RootfsScript], ct);

    public async Task RegisterAsync()
    {
        var password = Sql(settings.Passwords.Database);
        await node.WriteFilesAsync([NodeFile.Text("/root/dockstack-zun.sql", $"""
            CREATE DATABASE IF NOT EXISTS `zun` CHARACTER SET utf8mb4;
            CREATE USER IF NOT EXISTS 'zun'@'localhost' IDENTIFIED BY '{password}';
            CREATE USER IF NOT EXISTS 'zun'@'127.0.0.1' IDENTIFIED BY '{password}';
            GRANT ALL PRIVILEGES ON `zun`.* TO 'zun'@'localhost';
            GRANT ALL PRIVILEGES ON `zun`.* TO 'zun'@'127.0.0.1';
            FLUSH PRIVILEGES;

            """, UnixFileMode.UserRead | UnixFileMode.UserWrite)], ct);
        await node.ShellAsync("The zun database", "for i in $(seq 120); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 0.5; done; mariadb < /root/dockstack-zun.sql; rm -f /root/dockstack-zun.sql", ct);

        await WaitForHttpAsync(ContainerServiceFiles.KeystoneUrl, TimeSpan.FromMinutes(2));
        var keystone = await KeystoneAdmin.LoginAsync(node, settings.Passwords.Admin, ct);
        var project = await keystone.EnsureProjectAsync("service", "Service projects", ct);
        var user = await keystone.EnsureUserAsync("zun", settings.Passwords.Service, project, ct);
        await keystone.GrantAsync(project, user, await keystone.EnsureRoleAsync("admin", ct), ct);
        await keystone.GrantAsync(project, user, await keystone.EnsureRoleAsync("service", ct), ct);
        await keystone.RegisterServiceAsync(ContainerServices.ServiceName, ContainerServices.ServiceType, "Container Service (DockStack, Zun-compatible)",
            ContainerServices.Endpoint, settings.Region, ct);
    }

    public async Task StartAndCheckAsync()
    {
        await node.RunAsync("Starting the nested engine and the container service",
            ["systemctl", "start", "docker.service", ContainerServiceFiles.CirrosUnit, "zun-api.service"], ct);
        await node.RunAsync("A CirrOS guest on the nested engine", ["docker", "run", "--rm", "--network", "none", "cirros", "sh", "-c", "echo cirros ok && ping -c 1 -W 2 127.0.0.1"], ct);
        await WaitForHttpAsync($"http://127.0.0.1:{ContainerServices.ApiPort}/v1", ServiceUpTimeout);
        var keystone = await KeystoneAdmin.LoginAsync(node, settings.Passwords.Admin, ct);
        var http = new NodeHttp(node);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(ServiceUpTimeout);
        string last = "no answer";
        try
        {
            while (true)
            {
                var response = await http.SendAsync("GET", $"{ContainerServices.Endpoint}/services", null, keystone.Token, deadline.Token);
                last = $"HTTP {response.Status}: {response.Text}";
                var services = response.Body?["services"]?.AsArray() ?? [];
                if (response.IsSuccess && services.Any(s => s?["binary"]?.GetValue<string>() == "zun-compute" && s["state"]?.GetValue<string>() == "up"))
                {
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var journal = await node.ExecAsync(["journalctl", "-u", "zun-api", "-n", "30", "--no-pager", "-o", "cat"], ct);
            throw new TimeoutException($"zun-compute did not report up within {ServiceUpTimeout.TotalSeconds:0} s (GET /v1/services: {last}).\n{journal.Stdout}");
        }
    }

    public Task StopAndWipeAsync() => node.ShellAsync("Emptying /var/lib/docker", StopAndWipeScript, ct);

    private async Task WaitForHttpAsync(string url, TimeSpan timeout)
    {
        var seconds = (int)timeout.TotalSeconds;
        await node.ShellAsync($"Waiting for {url}", $"""
            for i in $(seq {seconds * 2}); do
                code=$(curl -s -o /dev/null -m 5 -w '%{"{http_code}"}' '{url}' || true)
                case "$code" in 2??|3??|4??) exit 0;; esac
                sleep 0.5
            done
            echo "{url} did not answer within {seconds} s (last: $code)" >&2
            journalctl -u zun-api -n 20 --no-pager -o cat >&2 || true
            exit 1
            """, ct);
    }

    private static string Sql(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal);
}
