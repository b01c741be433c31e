using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Tests;

/// <summary>The catalog is complete: every name local.conf accepts, every config file and every module folder has exactly one module.</summary>
[Trait("Category", "Unit")]
public sealed class ServiceCatalogTests
{
    [Fact]
    public void EveryDevStackName_TheParserAccepts_MapsToExactlyOneModule()
    {
        Assert.NotEmpty(DevStackServices.Supported);
        Assert.All(DevStackServices.Supported, name =>
            Assert.Single(ServiceCatalog.All, m => m.DevStackNames.Contains(name)));
        Assert.Equal(DevStackServices.Supported.Count, DevStackServices.Supported.Distinct().Count());
    }

    [Fact]
    public void EveryGroupAndAlias_TheParserAccepts_BelongsToExactlyOneModule_AndExpandsToItsNames()
    {
        Assert.NotEmpty(DevStackServices.Aliases);
        foreach (var (alias, members) in DevStackServices.Aliases)
        {
            var module = Assert.Single(ServiceCatalog.All, m => m.DevStackGroups.ContainsKey(alias));
            Assert.NotEmpty(members);
            Assert.All(members, name => Assert.Contains(name, module.DevStackNames));
            Assert.All(DevStackServices.Expand(alias), name => Assert.Same(module, DevStackServices.ModuleOf(name)));
        }
    }

    [Fact]
    public void EveryNameTheReadmeLists_IsAcceptedWithoutWarning()
    {
        string[] documented =
        [
            "mysql", "rabbit", "key", "g-api", "placement-api", "n-api", "n-api-meta", "n-cond", "n-sch", "n-cpu", "n-novnc",
            "q-svc", "q-agt", "q-dhcp", "q-l3", "q-meta", "horizon", "nova", "neutron", "glance", "placement", "keystone",
        ];
        var state = Directory.CreateTempSubdirectory("dockstack-catalog-").FullName;
        try
        {
            var plan = CloudPlan.Parse($"[[local|localrc]]\nADMIN_PASSWORD=x\nenable_service {string.Join(' ', documented)}\n", "test", state);

            Assert.Empty(plan.Warnings);
            Assert.All(documented, name => Assert.NotEmpty(DevStackServices.Expand(name)));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public void EveryConfigFile_IsRenderedByOneModule_AndEveryDevStackVariableNamesOneFile()
    {
        var files = ServiceCatalog.All.SelectMany(m => m.ConfigFiles).ToList();
        var variables = files.SelectMany(f => f.DevStackVariables).ToList();

        Assert.Equal(files.Count, files.Select(f => f.Path).Distinct().Count());
        Assert.Equal(variables.Count, variables.Distinct().Count());
        Assert.All(files, f => Assert.Same(f, ConfigFiles.Resolve("$" + f.DevStackVariables[0], ConfigFiles.Builtins())));
        Assert.All(files, f => Assert.All(f.EnabledBy, name => Assert.Contains(name, DevStackServices.Supported)));
    }

    [Fact]
    public void EveryModuleFolder_IsInTheCatalog_AndEveryModuleHasItsFolder()
    {
        var folders = EmbeddedFiles.Paths
            .Where(p => p.StartsWith("Services/", StringComparison.Ordinal) && p.Count(c => c == '/') >= 2)
            .Select(p => p.Split('/')[1])
            .Where(f => f is not ("Catalog" or "Scripts"))
            .ToHashSet();

        Assert.Equal(folders.Order(StringComparer.Ordinal), ServiceCatalog.All.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.Equal(ServiceCatalog.All.Count, ServiceCatalog.All.Select(m => m.SourceDigest).Distinct().Count());
    }

    [Fact]
    public void EveryUnit_BelongsToOneModule_AndEveryStep_ToOneModule()
    {
        var units = ServiceCatalog.All.SelectMany(m => m.Units).Select(u => u.Service).ToList();
        var steps = ServiceCatalog.All.SelectMany(m => m.Steps).Select(s => s.Title).ToList();

        Assert.Equal(units.Count, units.Distinct().Count());
        Assert.Equal(steps.Count, steps.Distinct().Count());
    }

    [Fact]
    public void Catalog_ListsWhatOtherModulesNeed_BeforeThem()
    {
        var names = ServiceCatalog.All.Select(m => m.Name).ToList();

        Assert.Equal(["MariaDb", "RabbitMq", "Memcached", "Keystone"], names.Take(4));
        Assert.True(names.IndexOf("PrivsepForker") < names.IndexOf("Neutron"));
        Assert.Equal("ContainerService", names[^1]);
    }
}
