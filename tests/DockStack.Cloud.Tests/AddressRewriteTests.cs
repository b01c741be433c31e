using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Addressing;
using DockStack.Cloud.Services.ContainerService;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Nova;
using DockStack.TestSupport;

namespace DockStack.Cloud.Tests;

/// <summary>
/// The boot-time rewrite of a cloud's address: which files a node at 127.0.0.N gets, and what <c>dockstack-address</c>
/// does to Keystone's endpoint URLs (its SQL, evaluated here with the same regular expressions) and to settings files.
/// </summary>
[Trait("Category", "Unit")]
public sealed partial class AddressRewriteTests : IDisposable
{
    private static readonly CloudAddress Eleven = CloudAddress.Parse("127.0.0.11");

    private readonly string _dir = Directory.CreateTempSubdirectory("dockstack-address-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CloudPlan Plan(string conf) => CloudPlan.Load(conf is "defaults" ? null : Path.Combine(AppContext.BaseDirectory, "TestData", conf), _dir);

    [Theory]
    [InlineData("keystone-only.conf")]
    [InlineData("seed-local.conf")]
    [InlineData("defaults")]
    public void NodeOn127001_GetsNothing_SoTheDefaultCloudBootsAsBefore(string conf) =>
        Assert.Empty(Plan(conf).AddressFiles(CloudAddress.Default));

    [Fact]
    public void KeystoneOnlyCloud_RewritesTheCatalogOnly_AfterMariaDb_BeforeKeystone()
    {
        var files = Plan("keystone-only.conf").AddressFiles(Eleven).ToDictionary(f => f.Path, f => System.Text.Encoding.UTF8.GetString(f.Content));

        Assert.Equal(
            [NodeAddressFiles.EnvironmentFile, NodeAddressFiles.Script, "/etc/systemd/system/keystone.service.d/dockstack-address.conf"],
            files.Keys);
        Assert.Contains("\nDOCKSTACK_ADDRESS=127.0.0.11\n", files[NodeAddressFiles.EnvironmentFile], StringComparison.Ordinal);
        var dropIn = files["/etc/systemd/system/keystone.service.d/dockstack-address.conf"];
        Assert.Contains("[Unit]\nAfter=mariadb.service\n", dropIn, StringComparison.Ordinal);
        Assert.Contains("[Service]\nExecStartPre=+/usr/local/sbin/dockstack-address catalog keystone\n", dropIn, StringComparison.Ordinal);
    }

    [Fact]
    public void FullCloud_AlsoRewritesNoVncsBaseUrl_AndHorizonsKeystone_EachBeforeItsUnit()
    {
        var plan = Plan("seed-local.conf");
        var rewrites = NodeAddressFiles.Rewrites(plan.Settings);
        var units = plan.Services.Select(s => s.Unit).ToHashSet();

        Assert.Equal(["keystone.service", "nova-compute.service", "apache2.service", "zun-api.service"], rewrites.Select(r => r.Unit));
        Assert.All(rewrites, r => Assert.Contains(r.Unit, units));
        Assert.Equal(
            rewrites.Select(r => $"/etc/systemd/system/{r.Unit}.d/dockstack-address.conf"),
            plan.AddressFiles(Eleven).Skip(2).Select(f => f.Path));
        var script = plan.AddressFiles(Eleven).Single(f => f.Path == NodeAddressFiles.Script);
        Assert.Equal(NodeFile.Executable, script.Mode);
    }

    [Fact]
    public void SettingRewrite_ChangesTheNamedLinesOnly_AndCanMoveAgain()
    {
        var settings = Plan("seed-local.conf").Settings;
        var nova = Write("nova.conf", NovaConfig.File.Render(settings));
        var horizon = Write("horizon.py", System.Text.Encoding.UTF8.GetString(HorizonModule.SettingsSnippet.Content));
        Assert.Contains("novncproxy_base_url = http://127.0.0.1:6080/vnc_auto.html", File.ReadAllText(nova), StringComparison.Ordinal);

        var zun = Write("zun.conf", ContainerServiceFiles.ZunConf(settings));
        foreach (var rewrite in NodeAddressFiles.Rewrites(settings).Where(r => r.Arguments[0] == "setting"))
        {
            var file = rewrite.Arguments[1] == NovaConfig.File.Path ? nova : rewrite.Arguments[1] == ContainerServiceFiles.ConfigPath ? zun : horizon;
            RunScript("127.0.0.11", ["setting", file, .. rewrite.Arguments.Skip(2)]);
        }

        var novaText = File.ReadAllText(nova);
        Assert.Contains("novncproxy_base_url = http://127.0.0.11:6080/vnc_auto.html", novaText, StringComparison.Ordinal);
        Assert.Contains("server_proxyclient_address = 127.0.0.1\n", novaText, StringComparison.Ordinal);
        Assert.Contains("my_ip = 127.0.0.1\n", novaText, StringComparison.Ordinal);
        Assert.Contains("auth_url = http://127.0.0.1:5000", novaText, StringComparison.Ordinal);
        var horizonText = File.ReadAllText(horizon);
        Assert.Contains("OPENSTACK_HOST = \"127.0.0.11\"", horizonText, StringComparison.Ordinal);
        Assert.Contains("OPENSTACK_KEYSTONE_URL = \"http://127.0.0.11:5000/v3\"", horizonText, StringComparison.Ordinal);
        Assert.Contains("'LOCATION': '127.0.0.1:11211'", horizonText, StringComparison.Ordinal);

        var zunText = File.ReadAllText(zun);
        Assert.Contains("base_url = ws://127.0.0.11:6784/\n", zunText, StringComparison.Ordinal);
        Assert.Contains("wsproxy_host = 0.0.0.0\n", zunText, StringComparison.Ordinal);
        Assert.Contains("www_authenticate_uri = http://127.0.0.1:5000/v3\n", zunText, StringComparison.Ordinal);

        RunScript("127.0.0.12", ["setting", nova, "novncproxy_base_url"]);
        RunScript("127.0.0.12", ["setting", nova, "novncproxy_base_url"]);
        Assert.Contains("novncproxy_base_url = http://127.0.0.12:6080/vnc_auto.html\n", File.ReadAllText(nova), StringComparison.Ordinal);
        RunScript("127.0.0.12", ["setting", Path.Combine(_dir, "absent.conf"), "novncproxy_base_url"]);
    }

    [Fact]
    public async Task HorizonAllowedHosts_AreTheCloudsAddress_And127001LocalhostAndTheHostname_WhereverTheCloudMoves()
    {
        var horizon = Write("horizon.py", System.Text.Encoding.UTF8.GetString(HorizonModule.SettingsSnippet.Content));
        var keys = NodeAddressFiles.Rewrites(Plan("seed-local.conf").Settings).Single(r => r.Unit == HorizonModule.Unit).Arguments.Skip(2).ToList();
        // What the node calls itself by: its probes ask http://127.0.0.1/auth/login/ whatever the cloud's address.
        string[] inside = ["127.0.0.1", "localhost", NodeSpec.Hostname];

        var asBuilt = await AllowedHostsAsync(horizon);
        RunScript("127.0.0.7", ["setting", horizon, .. keys]);
        var moved = await AllowedHostsAsync(horizon);
        RunScript("127.0.0.8", ["setting", horizon, .. keys]);
        var movedAgain = await AllowedHostsAsync(horizon);

        Assert.Contains(HorizonModule.PublishedHostSetting, keys);
        Assert.Equal([.. inside, "127.0.0.1"], asBuilt);
        Assert.Equal([.. inside, "127.0.0.7"], moved);
        Assert.Equal([.. inside, "127.0.0.8"], movedAgain);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/v3/", "http://127.0.0.11:5000/v3/")]
    [InlineData("http://127.0.0.1:8774/v2.1", "http://127.0.0.11:8774/v2.1")]
    [InlineData("http://127.0.0.12:9292", "http://127.0.0.11:9292")]
    [InlineData("http://127.0.0.1/identity", "http://127.0.0.11/identity")]
    [InlineData("http://127.0.0.1", "http://127.0.0.11")]
    [InlineData("http://127.0.0.11:9517/v1", "http://127.0.0.11:9517/v1")]
    [InlineData("http://10.0.0.5:5000/v3", "http://10.0.0.5:5000/v3")]
    [InlineData("https://127.0.0.1:5000/v3", "https://127.0.0.1:5000/v3")]
    [InlineData("http://127.0.0.1.example.com:5000", "http://127.0.0.1.example.com:5000")]
    public void CatalogRewrite_MovesEveryLoopbackEndpointToTheAddress_AndNothingElse(string url, string expected)
    {
        var (pattern, replacement, condition) = CatalogSql("127.0.0.11");

        // MariaDB's REGEXP is case-insensitive under the catalog's collation, as here.
        var rewritten = Regex.IsMatch(url, condition, RegexOptions.IgnoreCase)
            ? Regex.Replace(url, pattern, replacement.Replace("$", "$$", StringComparison.Ordinal), RegexOptions.IgnoreCase)
            : url;

        Assert.Equal(expected, rewritten);
    }

    [Fact]
    public void CatalogRewrite_UpdatesKeystonesEndpointTable_InTheNamedDatabase()
    {
        var args = RunScript("127.0.0.11", ["catalog", "keystone"]);

        Assert.Equal("--batch", args[0]);
        Assert.Equal("--database=keystone", args[1]);
        Assert.StartsWith("--execute=UPDATE endpoint SET url = REGEXP_REPLACE(url, ", args[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1; DROP TABLE endpoint")]
    [InlineData("127.0.0.1'")]
    public void Script_RefusesAnAddressThatIsNotLoopback(string address)
    {
        var (code, _, _) = Run(address, ["catalog", "keystone"]);
        Assert.Equal(2, code);
    }

    /// <summary>The SQL the script runs, through a stand-in for the mariadb client: pattern, replacement, WHERE pattern.</summary>
    private (string Pattern, string Replacement, string Condition) CatalogSql(string address)
    {
        var sql = RunScript(address, ["catalog", "keystone"])[2];
        var m = UpdateStatement().Match(sql);
        Assert.True(m.Success, sql);
        return (m.Groups["pattern"].Value, m.Groups["replacement"].Value, m.Groups["condition"].Value);
    }

    [GeneratedRegex(@"^--execute=UPDATE endpoint SET url = REGEXP_REPLACE\(url, '(?<pattern>[^']*)', '(?<replacement>[^']*)'\) WHERE url REGEXP '(?<condition>[^']*)';$")]
    private static partial Regex UpdateStatement();

    /// <summary><c>ALLOWED_HOSTS</c> of a settings snippet, exec()'d as Horizon's settings.py does with each one.</summary>
    private static async Task<string[]> AllowedHostsAsync(string settings)
    {
        var python = await ProcessRunner.RunAsync(
            "python3", ["-c", "import json, sys\nexec(open(sys.argv[1]).read())\nprint(json.dumps(ALLOWED_HOSTS))", settings],
            new ProcessOptions { Timeout = TimeSpan.FromMinutes(1) }, CancellationToken.None);
        Assert.True(python.ExitCode == 0, python.ToString());
        return JsonSerializer.Deserialize<string[]>(python.Stdout)!;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs the embedded script with <c>sh</c>; returns the arguments the stand-in mariadb client got (if it ran).</summary>
    private IReadOnlyList<string> RunScript(string address, IReadOnlyList<string> arguments)
    {
        var (code, stderr, args) = Run(address, arguments);
        Assert.True(code == 0, $"dockstack-address {string.Join(' ', arguments)} exited {code}: {stderr}");
        return args;
    }

    private (int Code, string Stderr, IReadOnlyList<string> MariaDbArguments) Run(string address, IReadOnlyList<string> arguments)
    {
        var script = Write("dockstack-address", EmbeddedFiles.Read("Provisioning/Addressing/Scripts/dockstack-address"));
        var record = Path.Combine(_dir, "mariadb.args");
        File.Delete(record);
        var mariadb = Write("mariadb", $"#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '{record}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(mariadb, NodeFile.Executable);
        }
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DOCKSTACK_ADDRESS"] = address;
        start.Environment["MARIADB"] = mariadb;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var args = File.Exists(record) ? File.ReadAllText(record).Split('\0', StringSplitOptions.RemoveEmptyEntries) : [];
        return (process.ExitCode, stderr, args);
    }
}
