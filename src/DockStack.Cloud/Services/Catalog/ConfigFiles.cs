using DockStack.Cloud.Provisioning.LocalConf;

namespace DockStack.Cloud.Services.Catalog;

/// <summary>The config files the modules render, and DevStack's variable names for them (used in [[post-config|$NOVA_CONF]]).</summary>
public static class ConfigFiles
{
    /// <summary>Every config file a module renders, by its path.</summary>
    public static readonly IReadOnlyDictionary<string, ConfigFile> ByPath =
        ServiceCatalog.All.SelectMany(m => m.ConfigFiles).ToDictionary(f => f.Path, StringComparer.Ordinal);

    /// <summary>Variables local.conf may reference: the config files and the addresses services use.</summary>
    public static IReadOnlyDictionary<string, string> Builtins()
    {
        var builtins = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HOST_IP"] = "127.0.0.1",
            ["SERVICE_HOST"] = "127.0.0.1",
            ["SERVICE_LISTEN_ADDRESS"] = "0.0.0.0",
            ["SERVICE_PROTOCOL"] = "http",
            ["KEYSTONE_SERVICE_URI"] = Keystone.KeystoneModule.Url,
            ["KEYSTONE_AUTH_URI"] = Keystone.KeystoneModule.Url,
            ["SERVICE_PROJECT_NAME"] = "service",
            ["SERVICE_DOMAIN_NAME"] = "Default",
            ["REGION_NAME"] = "RegionOne",
        };
        foreach (var file in ByPath.Values)
        {
            foreach (var name in file.DevStackVariables)
            {
                // DevStack's Q_*_FILE variables are relative to /; both "$Q_PLUGIN_CONF_FILE" and "/$Q_PLUGIN_CONF_FILE" are used.
                builtins[name] = file.Path;
            }
        }
        return builtins;
    }

    /// <summary>The file a [[post-config|...]] header names, after expansion; null when no module renders it.</summary>
    public static ConfigFile? Resolve(string header, IReadOnlyDictionary<string, string> variables)
    {
        var expanded = LocalConfParser.ExpandKnown(header.Trim().Trim('"'), variables);
        while (expanded.StartsWith("//", StringComparison.Ordinal))
        {
            expanded = expanded[1..];
        }
        return ByPath.GetValueOrDefault(expanded);
    }
}
