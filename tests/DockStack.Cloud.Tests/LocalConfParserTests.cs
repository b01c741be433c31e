using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.LocalConf;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;

namespace DockStack.Cloud.Tests;

[Trait("Category", "Unit")]
public sealed class LocalConfParserTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-cloud-tests-").FullName;

    public void Dispose() => Directory.Delete(_state, recursive: true);

    private CloudPlan Parse(string text) => CloudPlan.Parse(text, "local.conf", _state);

    [Fact]
    public void SeedLocalConf_Parses_WithContainerServiceAndNoWarnings()
    {
        var plan = CloudPlan.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "seed-local.conf"), _state);

        Assert.Empty(plan.Warnings);
        Assert.True(plan.ContainerServiceEnabled);
        Assert.Equal("secret", plan.Settings.Passwords.Admin);
        Assert.Equal("secret", plan.Settings.Passwords.Database);
        Assert.Equal("secret", plan.Settings.Passwords.Service);
        Assert.Contains(NovaModule.Compute, plan.Settings.Services);
        Assert.Contains(HorizonModule.Service, plan.Settings.Services);
    }

    [Fact]
    public void KeystoneOnly_EnablesKeystoneDatabaseAndQueueOnly()
    {
        var plan = CloudPlan.Load(Path.Combine(AppContext.BaseDirectory, "TestData", "keystone-only.conf"), _state);

        Assert.Empty(plan.Warnings);
        Assert.Equal(["key", "mysql", "rabbit"], plan.Settings.Services.Order(StringComparer.Ordinal));
        Assert.Equal([5000], plan.Ports.Select(p => p.ContainerPort));
        Assert.All(plan.Ports, p => Assert.Equal("127.0.0.1", p.HostIp));
    }

    [Fact]
    public void Defaults_GenerateAndReuseTheAdminPassword()
    {
        var first = CloudPlan.Load(null, _state);
        var second = CloudPlan.Load(null, _state);

        Assert.Empty(first.Warnings);
        Assert.Equal(20, first.Settings.Passwords.Admin.Length);
        Assert.Equal(first.Settings.Passwords.Admin, second.Settings.Passwords.Admin);
        Assert.Equal(first.Layers.Select(l => string.Join('|', l.Inputs)), second.Layers.Select(l => string.Join('|', l.Inputs)));
        Assert.Contains(first.Ports, p => p is { ContainerPort: 80, HostPort: 80 });
    }

    [Fact]
    public void PostConfig_IsMergedPerFile_WithVariablesExpanded()
    {
        var plan = Parse("""
            [[local|localrc]]
            ADMIN_PASSWORD=pw
            [[post-config|$NOVA_CONF]]
            [DEFAULT]
            debug = True
            [libvirt]
            cpu_mode = none
            [[post-config|/$Q_PLUGIN_CONF_FILE]]
            [ml2]
            path_mtu = $MTU_UNKNOWN
            [[post-config|$NOVA_CONF]]
            [DEFAULT]
            my_ip = $HOST_IP
            """);

        var nova = plan.Settings.PostConfig[NovaConfig.File.Path];
        Assert.Equal([("DEFAULT", "debug", "True"), ("libvirt", "cpu_mode", "none"), ("DEFAULT", "my_ip", "127.0.0.1")], nova.Select(s => (s.Section, s.Key, s.Value)));
        Assert.Equal("$MTU_UNKNOWN", Assert.Single(plan.Settings.PostConfig[NeutronConfig.Ml2.Path]).Value);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void UnsupportedSettings_AreNamedInWarnings()
    {
        var plan = Parse("""
            [[local|localrc]]
            ADMIN_PASSWORD=pw
            SWIFT_HASH=abc
            HOST_IP=10.0.0.5
            enable_service s-proxy
            enable_service q-foo
            enable_plugin heat https://opendev.org/openstack/heat
            install_package vim
            [[post-extra|$TEMPEST_CONFIG]]
            [compute]
            x = 1
            [[post-config|$CINDER_CONF]]
            [DEFAULT]
            y = 2
            """);

        Assert.Contains(plan.Warnings, w => w.Contains("SWIFT_HASH", StringComparison.Ordinal) && w.Contains("line 3", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("HOST_IP", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("s-proxy", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("q-foo", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("enable_plugin heat", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("install_package", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("post-extra", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("$CINDER_CONF", StringComparison.Ordinal));
        Assert.False(plan.ContainerServiceEnabled);
    }

    [Theory]
    [InlineData("[[local|localrc]\nA=1", 1, "malformed section header")]
    [InlineData("ADMIN_PASSWORD=x\n[[local|localrc]]", 1, "outside any")]
    [InlineData("[[local|localrc]]\n\nADMIN_PASSWORD=\"abc", 3, "unterminated double quote")]
    [InlineData("[[local|localrc]]\nADMIN_PASSWORD='abc", 2, "unterminated single quote")]
    [InlineData("[[local|localrc]]\nADMIN_PASSWORD=a b", 2, "unquoted spaces")]
    [InlineData("[[local|localrc]]\n[[post-config|$NOVA_CONF]]\n[DEFAULT]\nnot a setting", 4, "key = value")]
    [InlineData("[[local|localrc]]\n[[post-config|$NOVA_CONF]]\ndebug = True", 3, "before any [section]")]
    [InlineData("[[local|localrc]]\nFIXED_RANGE=10.0.0.0/99", 2, "FIXED_RANGE")]
    public void SyntaxErrors_NameTheLine(string text, int line, string problem)
    {
        var error = Assert.Throws<LocalConfException>(() => Parse(text));

        Assert.Equal(line, error.Line);
        Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DisablingAService_RemovesItsUnitsAndPorts()
    {
        var plan = Parse("""
            [[local|localrc]]
            ADMIN_PASSWORD=pw
            disable_service horizon n-novnc
            disable_service neutron
            """);

        Assert.DoesNotContain(plan.Services, s => s.Unit is "apache2.service" or "nova-novncproxy.service" or "neutron-api.service");
        Assert.DoesNotContain(plan.Ports, p => p.ContainerPort is 80 or 6080 or 9696);
        Assert.Contains(plan.Ports, p => p.ContainerPort == 8774);
    }

    [Fact]
    public void Dependencies_AreEnabledWithAWarning()
    {
        var plan = Parse("""
            [[local|localrc]]
            ADMIN_PASSWORD=pw
            disable_all_services
            enable_service g-api
            """);

        Assert.Equal(["g-api", "key", "mysql"], plan.Settings.Services.Order(StringComparer.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("g-api needs key", StringComparison.Ordinal));
    }

    [Fact]
    public void ShellSyntax_QuotesDefaultsAndAppends()
    {
        var plan = Parse("""
            [[local|localrc]]
            export ADMIN_PASSWORD="p w#1"   # a comment
            DATABASE_PASSWORD='$ADMIN_PASSWORD'
            RABBIT_PASSWORD=${UNSET:-fallback}
            SERVICE_PASSWORD=svc
            SERVICE_PASSWORD+=-2
            HORIZON_PORT=8080
            ENABLED_SERVICES=key,mysql
            ENABLED_SERVICES+=,horizon
            """);

        Assert.Equal(new CloudPasswords("p w#1", "$ADMIN_PASSWORD", "fallback", "svc-2"), plan.Settings.Passwords);
        Assert.Equal(["horizon", "key", "mysql"], plan.Settings.Services.Order(StringComparer.Ordinal));
        Assert.Contains(plan.Ports, p => p is { ContainerPort: 80, HostPort: 8080 });
        Assert.Empty(plan.Warnings);
    }
}
