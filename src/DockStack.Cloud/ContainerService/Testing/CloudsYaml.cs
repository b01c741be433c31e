namespace DockStack.Cloud.ContainerService.Testing;

/// <summary>One cloud's password credentials from a clouds.yaml.</summary>
public sealed record CloudCredentials(string AuthUrl, string Username, string Password, string ProjectName, string UserDomain, string ProjectDomain, string Region);

/// <summary>
/// Reads a cloud from a clouds.yaml: the block form `up` writes (and openstacksdk documents), with
/// plain or single/double-quoted scalars. Not a general YAML parser.
/// </summary>
public static class CloudsYaml
{
    public static CloudCredentials Read(string path, string cloud)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist: was the cloud brought up with `dockstack up`?", path);
        }
        return Parse(File.ReadAllText(path), cloud, path);
    }

    public static CloudCredentials Parse(string text, string cloud, string source = "clouds.yaml")
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var inClouds = false;
        var cloudIndent = -1;
        var section = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }
            var indent = line.Length - line.TrimStart().Length;
            var (key, value) = Split(line.Trim());
            if (indent == 0)
            {
                inClouds = key == "clouds";
                cloudIndent = -1;
                continue;
            }
            if (!inClouds)
            {
                continue;
            }
            if (cloudIndent < 0 || indent <= cloudIndent)
            {
                cloudIndent = key == cloud && value.Length == 0 ? indent : -1;
                section = "";
                continue;
            }
            if (value.Length == 0)
            {
                section = key;
                continue;
            }
            values[section.Length > 0 && indent > cloudIndent + 2 ? $"{section}.{key}" : key] = value;
        }
        string Need(string key) => values.TryGetValue(key, out var v) ? v
            : throw new InvalidOperationException($"{source}: cloud '{cloud}' has no {key}.");
        return new CloudCredentials(
            Need("auth.auth_url").TrimEnd('/'),
            Need("auth.username"),
            Need("auth.password"),
            Need("auth.project_name"),
            values.GetValueOrDefault("auth.user_domain_name", "Default"),
            values.GetValueOrDefault("auth.project_domain_name", "Default"),
            values.GetValueOrDefault("region_name", "RegionOne"));
    }

    private static (string Key, string Value) Split(string line)
    {
        var colon = line.IndexOf(':');
        if (colon < 0)
        {
            return (line, "");
        }
        var value = line[(colon + 1)..].Trim();
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            value = value[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }
        else if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }
        return (line[..colon].Trim(), value);
    }
}
