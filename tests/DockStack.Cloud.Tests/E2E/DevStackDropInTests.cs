using System.Text.Json.Nodes;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Keystone;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>What CI jobs written for DevStack rely on, against the shared full cloud (read-only, or cleaning up after itself).</summary>
[Trait("Category", "E2E")]
[Collection(FullCloudCollection.Name)]
public sealed class DevStackDropInTests(FullCloudFixture fixture)
{
    private static CancellationToken Timeout(int minutes = 5) => new CancellationTokenSource(TimeSpan.FromMinutes(minutes)).Token;

    private static string Field(JsonNode? row, string name) => row?[name]?.ToString() ?? "";

    [Fact]
    public async Task CloudsYaml_EveryDevStackEntry_GetsATokenInItsScope()
    {
        var projects = (await fixture.Admin.ListAsync(Timeout(), "project", "list")).ToDictionary(p => Field(p, "Name"), p => Field(p, "ID"));
        var users = (await fixture.Admin.ListAsync(Timeout(), "user", "list")).ToDictionary(u => Field(u, "Name"), u => Field(u, "ID"));

        foreach (var entry in DevStackAccounts.Clouds)
        {
            var token = await new OpenStackCli(fixture.Cloud.CloudsYaml, entry.Name).ShowAsync(Timeout(), "token", "issue");

            Assert.Equal(users[entry.User], Field(token, "user_id"));
            Assert.Equal(entry.System ? "" : projects[entry.Project!], Field(token, "project_id"));
        }
        // A system-scoped reader reads the system's users; a project reader does not.
        var seen = await new OpenStackCli(fixture.Cloud.CloudsYaml, "devstack-system-reader").ListAsync(Timeout(), "user", "list");
        Assert.Contains(seen, u => Field(u, "Name") == "alt_demo_reader");
        await Assert.ThrowsAsync<InvalidOperationException>(() => new OpenStackCli(fixture.Cloud.CloudsYaml, "devstack-reader").ListAsync(Timeout(), "user", "list"));
    }

    [Fact]
    public async Task DevStackPath_AnSdkStyleCiSetupScript_RunsUnmodified()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // What an SDK's CI setup does after DevStack: source openrc as admin, find the private network, its subnet, the
        // public network and the first cirros image, create a flavor and a key pair (then clean up).
        var script = $$"""
            set -euo pipefail
            source "$DEVSTACK_PATH/openrc" admin admin
            echo "user=$OS_USERNAME project=$OS_PROJECT_NAME"
            echo "private=$(openstack network show private -f value -c id)"
            echo "subnet=$(openstack subnet show private-subnet -f value -c id)"
            echo "public=$(openstack network show public -f value -c id)"
            image=$(openstack image list -f value -c Name | grep '^cirros' | head -n 1)
            echo "image=$image"
            openstack flavor create --ram 512 --disk 10 --vcpus 1 sdk-ci-{{suffix}} -f value -c id >/dev/null
            openstack keypair create sdk-ci-{{suffix}} >/dev/null
            echo "flavor=$(openstack flavor show sdk-ci-{{suffix}} -f value -c ram)"
            openstack keypair delete sdk-ci-{{suffix}}
            openstack flavor delete sdk-ci-{{suffix}}
            """;
        var result = await ProcessRunner.RunAsync("bash", ["-c", script], new ProcessOptions
        {
            Environment = new Dictionary<string, string?> { ["DEVSTACK_PATH"] = fixture.Cloud.StateDir, ["OS_CLOUD"] = null, ["OS_CLIENT_CONFIG_FILE"] = null, ["PATH"] = "/usr/bin:/bin" },
            Timeout = TimeSpan.FromMinutes(5),
        }, Timeout());

        Assert.True(result.ExitCode == 0, result.Output);
        var values = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains('=')).SelectMany(l => l.Split(' '))
            .Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        Assert.Equal("admin", values["user"]);
        Assert.Equal("admin", values["project"]);
        Assert.All(new[] { "private", "subnet", "public" }, k => Assert.Matches("^[0-9a-f-]{36}$", values[k]));
        Assert.Equal(GuestImageStep.CirrosImageName, values["image"]);
        Assert.Equal("512", values["flavor"]);
    }

    [Fact]
    public void StateFolder_EveryFileWithAPassword_IsOwnerOnly()
    {
        foreach (var name in new[] { "local.conf", "clouds.yaml", "openrc", "admin-openrc", "demo-openrc" })
        {
            var path = Path.Combine(fixture.Cloud.StateDir, name);
            Assert.True(File.Exists(path), $"{name} is missing");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
    }

    [Fact]
    public async Task CirrosNamedImage_IsTheTinyGuest_AndSaysSo()
    {
        var tiny = await fixture.Admin.ShowAsync(Timeout(), "image", "show", GuestImageStep.ImageName);
        var cirros = await fixture.Admin.ShowAsync(Timeout(), "image", "show", GuestImageStep.CirrosImageName);

        Assert.Equal(Field(tiny["properties"], "kernel_id"), Field(cirros["properties"], "kernel_id"));
        Assert.Equal(Field(tiny, "checksum"), Field(cirros, "checksum"));
        Assert.Contains("Not CirrOS", Field(cirros["properties"], "description"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportLogs_WritesJournalsLogsConfigsAndStatus_WithoutAnyPassword()
    {
        var dir = Directory.CreateTempSubdirectory("dockstack-export-").FullName;
        try
        {
            using var cli = new DockStackCli(fixture.Cloud.Home);
            var result = await cli.RunAsync(["export", "logs", dir, "--name", fixture.Cloud.Name], timeout: TimeSpan.FromMinutes(5), cancellationToken: Timeout());

            Assert.True(result.ExitCode == 0, result.Output);
            Assert.True(new FileInfo(Path.Combine(dir, "journal", "keystone.log")).Length > 0);
            Assert.True(File.Exists(Path.Combine(dir, "journal", "nova-compute.log")));
            Assert.True(File.Exists(Path.Combine(dir, "etc", "nova", "nova.conf")));
            Assert.True(Directory.EnumerateFiles(Path.Combine(dir, "var-log"), "*", SearchOption.AllDirectories).Any());
            Assert.Contains("nova-compute.service", await File.ReadAllTextAsync(Path.Combine(dir, "units.txt")), StringComparison.Ordinal);
            var status = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "status.json")))!;
            Assert.Equal(fixture.Cloud.Name, Field(status, "name"));
            Assert.Contains("****", await File.ReadAllTextAsync(Path.Combine(dir, "etc", "nova", "nova.conf")), StringComparison.Ordinal);

            // The seed's password is the word "secret": it must not stand anywhere as a token of its own (a key such as
            // memcache_secret_key is no leak).
            var passwords = fixture.Cloud.Plan.Settings.Passwords;
            var leaks = new[] { passwords.Admin, passwords.Database, passwords.Rabbit, passwords.Service }.Distinct()
                .Select(p => new System.Text.RegularExpressions.Regex($"(?<![A-Za-z0-9_]){System.Text.RegularExpressions.Regex.Escape(p)}(?![A-Za-z0-9_])"))
                .ToList();
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            {
                var text = await File.ReadAllTextAsync(file);
                Assert.False(leaks.Any(l => l.IsMatch(text)), $"{file} holds a password");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task UpWriteCloudsYaml_OnTheRunningCloud_MergesItsEntriesBesideTheUsersOwn()
    {
        var file = Path.Combine(fixture.Cloud.Home, "user-clouds.yaml");
        await File.WriteAllTextAsync(file, "clouds:\n  mine:\n    region_name: R9\n");
        using var cli = new DockStackCli(fixture.Cloud.Home);

        var result = await cli.RunAsync(["up", "--name", fixture.Cloud.Name, "--config", fixture.ConfigPath, "--write-clouds-yaml", file],
            timeout: TimeSpan.FromMinutes(5), cancellationToken: Timeout());

        Assert.True(result.ExitCode == 0, result.Output);
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("mine:", text, StringComparison.Ordinal);
        var token = await new OpenStackCli(file, $"{fixture.Cloud.Name}-devstack-alt").ShowAsync(Timeout(), "token", "issue");
        Assert.False(string.IsNullOrEmpty(Field(token, "project_id")));
    }
}
