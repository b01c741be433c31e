using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services;

/// <summary>An <see cref="IServiceModule"/> that has nothing until it says so: a module overrides what it owns.</summary>
public abstract class ServiceModule : IServiceModule
{
    private static readonly IReadOnlyDictionary<string, string[]> None = new Dictionary<string, string[]>(StringComparer.Ordinal);

    public abstract string Name { get; }

    public virtual IReadOnlyList<string> DevStackNames => [];

    public virtual IReadOnlyDictionary<string, string[]> DevStackGroups => None;

    public virtual bool IsEnabled(CloudSettings settings) => DevStackNames.Any(settings.Has);

    /// <summary>The packages each DevStack name needs: what <see cref="Packages"/> installs for the enabled ones.</summary>
    protected virtual IReadOnlyDictionary<string, string[]> PackagesByName => None;

    public virtual IReadOnlyList<string> Packages(CloudSettings settings) =>
        PackagesByName.Where(p => settings.Has(p.Key)).SelectMany(p => p.Value).Distinct().ToList();

    public virtual IReadOnlyList<string> Preseeds => [];

    public virtual IReadOnlyList<string> PathFilters(CloudSettings settings) => [];

    public virtual IReadOnlyList<NodeFile> PackageFiles(CloudSettings settings) => [];

    public virtual IReadOnlyList<string> UnusedUnits => [];

    public virtual bool StartsUnconfigured => false;

    public virtual IReadOnlyList<CloudService> Units => [];

    public virtual IReadOnlyList<CloudService> UnitsFor(CloudSettings settings) => Units.Where(u => settings.Has(u.DevStackName)).ToList();

    public virtual IReadOnlyList<ServiceDatabase> Databases(CloudSettings settings) => [];

    public virtual IReadOnlyList<KeystoneEntry> KeystoneEntries(CloudSettings settings) => [];

    public virtual IReadOnlyList<ConfigFile> ConfigFiles => [];

    public virtual IReadOnlyList<NodeFile> Files(CloudSettings settings) => [];

    public virtual IReadOnlyList<IProvisioningStep> Steps => [];

    public virtual Func<CloudSettings, IImageLayer>? OwnLayer => null;

    public string SourceDigest => EmbeddedFiles.Digest([$"Services/{Name}/"]);

    /// <summary>A one-entry table, for <see cref="DevStackGroups"/> and <see cref="PackagesByName"/>.</summary>
    protected static IReadOnlyDictionary<string, string[]> One(string key, params string[] values) =>
        new Dictionary<string, string[]>(StringComparer.Ordinal) { [key] = values };

    /// <summary>A script or file from the module's folder, e.g. <c>Read("Nova", "Scripts/nova-compute")</c>.</summary>
    public static string Read(string module, string path) => EmbeddedFiles.Read($"Services/{module}/{path}");
}
