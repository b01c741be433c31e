using System.Text;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Layers;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;
using DockStack.Cloud.Services.ContainerService;

namespace DockStack.Cloud.Tests;

/// <summary>Image-layer keys are computed from what the modules render, write, install and run: a change to one of
/// those rebuilds the layers that hold it, and only those.</summary>
[Trait("Category", "Unit")]
public sealed class LayerKeyTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("dockstack-keys-").FullName;
    private readonly string _zun = Directory.CreateTempSubdirectory("dockstack-keys-zun-").FullName;

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        Directory.Delete(_zun, recursive: true);
    }

    private CloudSettings Settings() => CloudPlan.Parse("[[local|localrc]]\nADMIN_PASSWORD=secret\nenable_plugin zun x\n", "test", _state).Settings;

    /// <summary>The keys of the three layers on the same parent image, with <paramref name="change"/> applied to one module.</summary>
    private (string Packages, string Cloud, string Containers) Keys(string module, Func<IServiceModule, IServiceModule> change)
    {
        File.WriteAllText(Path.Combine(_zun, "zun"), "published");
        var settings = Settings();
        var modules = ServiceCatalog.CloudLayer.Select(m => m.Name == module ? change(m) : m).ToList();
        return (
            LayerBuilder.ReferenceFor(new PackagesLayer(settings, modules), "sha256:parent"),
            LayerBuilder.ReferenceFor(new CloudLayer(settings, modules), "sha256:parent"),
            LayerBuilder.ReferenceFor(new ContainerServiceLayer(settings, () => ZunBundle.FromDirectory(_zun)), "sha256:parent"));
    }

    [Theory]
    [InlineData("Horizon")]
    [InlineData("Nova")]
    [InlineData("MariaDb")]
    public void AChangedFileOfAModule_ChangesTheCloudLayersKey_Only(string module)
    {
        var before = Keys(module, m => m);
        var after = Keys(module, m => new Changed(m) { File = NodeFile.Text("/etc/changed", "one line more\n") });

        Assert.NotEqual(before.Cloud, after.Cloud);
        Assert.Equal(before.Packages, after.Packages);
        Assert.Equal(before.Containers, after.Containers);
    }

    [Fact]
    public void AChangedScriptOrStepOfAModule_ChangesTheCloudLayersKey_Only()
    {
        var before = Keys("Neutron", m => m);
        var after = Keys("Neutron", m => new Changed(m) { Digest = "another digest" });

        Assert.NotEqual(before.Cloud, after.Cloud);
        Assert.Equal(before.Packages, after.Packages);
        Assert.Equal(before.Containers, after.Containers);
    }

    [Fact]
    public void AChangedConfigSetting_ChangesTheCloudLayersKey_Only()
    {
        var before = Keys("Keystone", m => m);
        var after = Keys("Keystone", m => new Changed(m)
        {
            Config = m.ConfigFiles.Select(f => f with { Settings = s => [.. f.Settings(s), ("DEFAULT", "debug", "true")] }).ToList(),
        });

        Assert.NotEqual(before.Cloud, after.Cloud);
        Assert.Equal(before.Packages, after.Packages);
    }

    [Fact]
    public void AChangedPackageList_ChangesThePackagesLayersKey_NotTheCloudLayers()
    {
        var before = Keys("Glance", m => m);
        var after = Keys("Glance", m => new Changed(m) { Package = "glance-store-extra" });

        Assert.NotEqual(before.Packages, after.Packages);
        Assert.Equal(before.Cloud, after.Cloud);
    }

    [Fact]
    public void Keys_AreStable_AndNoLayerNamesAHandKeptVersion()
    {
        Assert.Equal(Keys("Nova", m => m), Keys("Nova", m => m));
        var settings = Settings();
        IImageLayer[] layers = [new PackagesLayer(settings), new CloudLayer(settings), new ContainerServiceLayer(settings, () => ZunBundle.FromDirectory(_zun))];
        Assert.All(layers.SelectMany(l => l.Inputs), input => Assert.DoesNotMatch(@"^(cloud|packages|containers)-v\d+$", input));
    }

    [Fact]
    public void EveryModuleSourceAndScript_IsEmbedded_SoItsDigestFollowsIt()
    {
        foreach (var module in ServiceCatalog.All)
        {
            var files = EmbeddedFiles.Under($"Services/{module.Name}/");
            Assert.Contains(files, f => f.EndsWith(".cs", StringComparison.Ordinal));
        }
        Assert.Contains("Services/Nova/Scripts/nova-compute", EmbeddedFiles.Paths);
        Assert.Contains("Services/ProvisioningContext.cs", EmbeddedFiles.Paths);
    }

    /// <summary>A module with one thing changed: an extra file, a different digest, other config settings, one more package.</summary>
    [Fact]
    public void AFileWrittenBeforeTheInstall_ChangesThePackagesLayersKey()
    {
        var before = Keys("MariaDb", m => m);
        var after = Keys("MariaDb", m => new Changed(m) { PackageFile = NodeFile.Text("/etc/mysql/mariadb.conf.d/91-more.cnf", "[mysqld]\n") });

        Assert.NotEqual(before.Packages, after.Packages);
        Assert.Equal(before.Cloud, after.Cloud);
    }

    [Fact]
    public void MariaDbsConfig_IsInPlaceBeforeItsPackageInstalls_WithTheSmallRedoLog()
    {
        var layer = new PackagesLayer(Settings());
        var config = Assert.Single(layer.PackageFiles, f => f.Path.StartsWith("/etc/mysql/", StringComparison.Ordinal));
        Assert.Contains("innodb_log_file_size = 16M", Encoding.UTF8.GetString(config.Content), StringComparison.Ordinal);
    }

    private sealed class Changed(IServiceModule inner) : IServiceModule
    {
        public NodeFile? File { get; init; }
        public string? Digest { get; init; }
        public IReadOnlyList<ConfigFile>? Config { get; init; }
        public string? Package { get; init; }

        public string Name => inner.Name;
        public IReadOnlyList<string> DevStackNames => inner.DevStackNames;
        public IReadOnlyDictionary<string, string[]> DevStackGroups => inner.DevStackGroups;
        public bool IsEnabled(CloudSettings settings) => inner.IsEnabled(settings);
        public IReadOnlyList<string> Packages(CloudSettings settings) => [.. inner.Packages(settings), .. Package is null ? [] : new[] { Package }];
        public IReadOnlyList<string> Preseeds => inner.Preseeds;
        public IReadOnlyList<string> PathFilters(CloudSettings settings) => inner.PathFilters(settings);
        public NodeFile? PackageFile { get; init; }
        public IReadOnlyList<NodeFile> PackageFiles(CloudSettings settings) => [.. inner.PackageFiles(settings), .. PackageFile is null ? [] : new[] { PackageFile }];
        public IReadOnlyList<string> UnusedUnits => inner.UnusedUnits;
        public bool StartsUnconfigured => inner.StartsUnconfigured;
        public IReadOnlyList<CloudService> Units => inner.Units;
        public IReadOnlyList<CloudService> UnitsFor(CloudSettings settings) => inner.UnitsFor(settings);
        public IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) => inner.Databases(settings);
        public IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings) => inner.KeystoneEntries(settings);
        public IReadOnlyList<ConfigFile> ConfigFiles => Config ?? inner.ConfigFiles;
        public IReadOnlyList<NodeFile> Files(CloudSettings settings) => [.. inner.Files(settings), .. File is null ? [] : new[] { File }];
        public IReadOnlyList<IProvisioningStep> Steps => inner.Steps;
        public Func<CloudSettings, IImageLayer>? OwnLayer => inner.OwnLayer;
        public string SourceDigest => Digest ?? inner.SourceDigest;
    }
}
