using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Ini;
using DockStack.Cloud.Verify;

namespace DockStack.Cloud.Tests;

[Trait("Category", "Unit")]
public sealed class VerifyTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-verify-tests-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private CloudPlan Plan(string conf) => CloudPlan.Load(Path.Combine(AppContext.BaseDirectory, "TestData", conf), _state);

    private static readonly TempestFacts Facts = new("img-1", "net-public", ["router", "external-net", "security-group"]);

    [Fact]
    public void Config_SeedCloud_NamesItsServicesAccountsImagesAndNetworks()
    {
        var ini = IniDocument.Parse(TempestConfig.Render(Plan("seed-local.conf").Settings, Facts));

        Assert.Equal("secret", ini.Get("auth", "admin_password"));
        Assert.Equal("http://127.0.0.1:5000/v3", ini.Get("identity", "uri_v3"));
        Assert.Equal("true", ini.Get("service_available", "nova"));
        Assert.Equal("true", ini.Get("service_available", "neutron"));
        Assert.Equal("false", ini.Get("service_available", "cinder"));
        Assert.Equal("false", ini.Get("service_available", "swift"));
        Assert.Equal("img-1", ini.Get("compute", "image_ref"));
        Assert.Equal(TempestConfig.Flavor, ini.Get("compute", "flavor_ref"));
        Assert.Equal("net-public", ini.Get("network", "public_network_id"));
        Assert.Equal("router,external-net,security-group", ini.Get("network-feature-enabled", "api_extensions"));
        Assert.Equal("true", ini.Get("validation", "run_validation"));
        Assert.Equal("cirros", ini.Get("validation", "image_ssh_user"));
    }

    [Fact]
    public void Config_KeystoneOnlyCloud_MarksTheOtherServicesUnavailable_AndValidatesNoGuest()
    {
        var ini = IniDocument.Parse(TempestConfig.Render(Plan("keystone-only.conf").Settings, new TempestFacts(null, null, [])));

        Assert.Equal("false", ini.Get("service_available", "nova"));
        Assert.Equal("false", ini.Get("service_available", "neutron"));
        Assert.Equal("false", ini.Get("service_available", "glance"));
        Assert.Null(ini.Get("compute", "image_ref"));
        Assert.Null(ini.Get("network", "public_network_id"));
        Assert.Equal("false", ini.Get("validation", "run_validation"));
    }

    [Fact]
    public void Results_ReadTempestsProgressLines()
    {
        var results = new TempestResults();
        string[] lines =
        [
            "{0} tempest.api.compute.flavors.test_flavors.FlavorsV2TestJSON.test_get_flavor [0.315782s] ... ok",
            "{1} tempest.api.identity.admin.v3.test_credentials.CredentialsTestJSON.test_credentials_create_get_update_delete [0.307998s] ... FAILED",
            "{1} tempest.api.volume.test_volumes_get.VolumesGetTest.test_volume_create_get_update_delete ... SKIPPED: Cinder support is required",
            "{0} setUpClass (tempest.api.network.test_ports.PortsTestJSON) ... FAILED",
            "Totals",
            "{0} tempest.scenario.test_server_basic_ops.TestServerBasicOps.test_server_basic_ops [61.1s] ... ok",
        ];

        var finished = lines.Select(results.Add).OfType<TempestTest>().ToList();

        Assert.Equal(5, finished.Count);
        Assert.Equal(2, results.Passed);
        Assert.Equal(2, results.Failed);
        Assert.Equal(1, results.Skipped);
        Assert.Equal(0.315782, finished[0].Seconds);
        Assert.Equal("Cinder support is required", finished[2].Reason);
        Assert.Equal("setUpClass (tempest.api.network.test_ports.PortsTestJSON)", finished[3].Id);
        Assert.Equal(["compute", "identity", "volume", "network", "scenario"], results.ByArea().Select(a => a.Area));
    }

    [Fact]
    public void Tracebacks_OfTheFailedTests_ByTheIdTheProgressLinesGive()
    {
        var junit = Path.Combine(_state, "results.xml");
        File.WriteAllText(junit, """
            <testsuite errors="0" failures="2" name="" tests="3" time="70.1">
            <testcase classname="tempest.api.compute.flavors.test_flavors.FlavorsV2TestJSON" name="test_get_flavor[id-557cd2c2,smoke]" time="0.3"/>
            <testcase classname="tempest.scenario.test_server_basic_ops.TestServerBasicOps" name="test_server_basic_ops[compute,id-7fff3fb3,network,smoke]" time="640.2">
            <failure type="testtools.testresult.real._StringException">Traceback (most recent call last):
              File "/usr/lib/python3/dist-packages/tempest/lib/common/ssh.py", line 136, in _get_ssh_connection
            tempest.lib.exceptions.SSHTimeout: Connection to the 172.24.4.50 via SSH timed out.</failure>
            </testcase>
            <testcase classname="setUpClass (tempest.api.network.test_ports" name="PortsTestJSON)" time="0.000">
            <error type="testtools.testresult.real._StringException">Conflict: 409</error>
            </testcase>
            </testsuite>
            """);

        var tracebacks = TempestResults.Tracebacks(junit);

        Assert.Equal(["setUpClass (tempest.api.network.test_ports.PortsTestJSON)", "tempest.scenario.test_server_basic_ops.TestServerBasicOps.test_server_basic_ops"],
            tracebacks.Keys.Order(StringComparer.Ordinal));
        Assert.EndsWith("SSHTimeout: Connection to the 172.24.4.50 via SSH timed out.",
            tracebacks["tempest.scenario.test_server_basic_ops.TestServerBasicOps.test_server_basic_ops"], StringComparison.Ordinal);
        Assert.Equal("Conflict: 409", tracebacks["setUpClass (tempest.api.network.test_ports.PortsTestJSON)"]);
        Assert.Empty(TempestResults.Tracebacks(Path.Combine(_state, "missing.xml")));
    }

    [Theory]
    [InlineData("smoke", "--smoke")]
    [InlineData("full", "")]
    [InlineData("tempest.api.identity", "--regex tempest.api.identity")]
    public void Suite_BecomesTempestRunArguments(string suite, string arguments) =>
        Assert.Equal(arguments, string.Join(' ', TempestSuite.Parse(suite).RunArguments));

    [Theory]
    [InlineData("")]
    [InlineData("tempest.api.(identity")]
    public void Suite_NeitherANameNorARegex_IsRefused(string suite) =>
        Assert.Throws<ArgumentException>(() => TempestSuite.Parse(suite));
}
