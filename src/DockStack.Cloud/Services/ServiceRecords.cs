using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Ini;

namespace DockStack.Cloud.Services;

/// <summary>A database in the node's MariaDB and the user that owns it (DevStack's layout: one user per service).</summary>
public sealed record ServiceDatabase(string Name, string User);

/// <summary>A service user in the service project (with the admin and service roles, as DevStack makes them) and, when
/// the service has an API, its catalog entry.</summary>
public sealed record KeystoneEntry(string User, CatalogEntry? Catalog = null);

/// <summary>A service in Keystone's catalog with its one endpoint URL (public, internal and admin alike).</summary>
public sealed record CatalogEntry(string Name, string Type, string Description, string Url);

/// <summary>
/// A Debian config file a module edits as INI: its settings, then local.conf's post-config settings for that file.
/// </summary>
/// <param name="Path">The file in the node.</param>
/// <param name="DevStackVariables">DevStack's variables for it ($NOVA_CONF, ...), usable in [[post-config|...]].</param>
/// <param name="EnabledBy">The DevStack names that make a post-config section for it apply (else it is warned about).</param>
/// <param name="Settings">What the module sets in it.</param>
public sealed record ConfigFile(
    string Path,
    IReadOnlyList<string> DevStackVariables,
    IReadOnlyList<string> EnabledBy,
    Func<CloudSettings, IEnumerable<(string Section, string Key, string Value)>> Settings)
{
    /// <summary>The module's settings followed by local.conf's for this file (later ones win).</summary>
    public IEnumerable<(string Section, string Key, string Value)> SettingsWithPostConfig(CloudSettings settings) =>
        settings.PostConfig.TryGetValue(Path, out var overrides)
            ? Settings(settings).Concat(overrides.Select(o => (o.Section, o.Key, o.Value)))
            : Settings(settings);

    /// <summary>What the module writes into the file, as INI text (an image-layer input).</summary>
    public string Render(CloudSettings settings) => IniDocument.Empty().SetAll(SettingsWithPostConfig(settings)).Render();
}
