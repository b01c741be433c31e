using System.Text.Json;
using System.Text.Json.Nodes;
using DockStack.Zun.Data;

namespace DockStack.Zun.Api.Containers;

/// <summary>
/// A create's <c>mounts</c> (microversion 1.11; <c>type</c> from 1.23) as Zun's schema reads them: each entry has a
/// <c>destination</c> and a <c>source</c> or a <c>size</c>. An entry of type <c>bind</c> is a file injected into the
/// container: <c>source</c> is its content in base64, written to <c>destination</c> (an absolute path) before the
/// container first starts. An entry of type <c>volume</c> (the type when none is given) names or sizes a Cinder volume,
/// and Cinder is not part of this cloud: 400, with the reason.
/// </summary>
public static class ContainerMounts
{
    public const string CinderRefused = "Cinder (block storage) is not part of this cloud, so volumes cannot be mounted";

    private static readonly string[] Keys = ["source", "destination", "size"];
    private static readonly string[] KeysWithType = ["type", .. Keys];

    /// <summary>The files to inject into container <paramref name="uuid"/>, in the order given; empty without mounts.</summary>
    public static List<InjectedFile> Parse(JsonNode? node, string uuid, ZunContext ctx)
    {
        var entries = Schema.Array("mounts", node);
        if (entries is null || entries.Count == 0) { return []; }
        if (entries.Count > RequestLimits.MaxInjectedFiles)
        {
            throw new SchemaValidationError($"Invalid input for field 'mounts'. It has {entries.Count} entries; at most {RequestLimits.MaxInjectedFiles} are allowed.");
        }
        var files = new List<InjectedFile>();
        long total = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            var field = $"mounts/{i}";
            var entry = Schema.Object(field, entries[i], nullable: false)!;
            Schema.NoAdditional(entry, ctx.AtLeast(23) ? KeysWithType : Keys);
            var type = entry.ContainsKey("type") ? Schema.Enum($"{field}/type", entry["type"], "volume", "bind") : "volume";
            var source = entry.ContainsKey("source") ? Schema.String($"{field}/source", entry["source"], nullable: false) : null;
            var destination = entry.ContainsKey("destination") ? Schema.String($"{field}/destination", entry["destination"], nullable: false) : null;
            var sized = entry.ContainsKey("size");
            if (sized && Schema.Kind(entry["size"]) is not (JsonValueKind.String or JsonValueKind.Number))
            {
                throw Schema.TypeError($"{field}/size", entry["size"], "string", "integer");
            }
            if (destination is null || (source is null && !sized))
            {
                var missing = destination is null ? "destination" : "source";
                throw new SchemaValidationError($"Invalid input for field '{field}'. '{missing}' is a required property (a mount needs source and destination, or size and destination).");
            }
            if (type == "volume")
            {
                throw new Invalid($"{CinderRefused} (mounts[{i}] is a volume{(source is null ? " to create" : "")} for {DockerReference.Printable(destination)}). "
                    + "To put a file into the container, give a mount of type 'bind' whose source is the file's content in base64 (microversion 1.23 or later).");
            }
            if (sized || source is null)
            {
                throw new Invalid($"Invalid mounts[{i}]: size is for Cinder volumes; a bind mount takes the file's content, in base64, in source.");
            }
            var path = Destination(destination, i);
            if (files.Any(f => f.Destination == path))
            {
                throw new InvalidValue($"Invalid mounts[{i}]: another mount already has the destination {path}.");
            }
            total += Decoded(source, i, RequestLimits.MaxInjectedBytes - total);
            files.Add(new InjectedFile { ContainerUuid = uuid, Destination = path, Contents = source });
        }
        return files;
    }

    /// <summary>
    /// The path a file is written to: absolute, naming a file (not <c>/</c>, not ending in <c>/</c>), without empty,
    /// <c>.</c> or <c>..</c> components, without NUL, at most <see cref="RequestLimits.MaxInjectedPathLength"/> characters.
    /// </summary>
    public static string Destination(string path, int index)
    {
        var components = path.Split('/');
        var valid = path.Length <= RequestLimits.MaxInjectedPathLength && path.StartsWith('/') && !path.Contains('\0', StringComparison.Ordinal)
            && components.Skip(1).All(c => c is not ("" or "." or ".."));
        var shown = path.Length > 256 ? path[..256] + "..." : path;
        return valid ? path : throw new InvalidValue(
            $"Invalid mounts[{index}] destination '{DockerReference.Printable(shown)}': it must be the absolute path of a file "
            + $"(not /, no empty, '.' or '..' components, no NUL, at most {RequestLimits.MaxInjectedPathLength} characters).");
    }

    /// <summary>
    /// The size of the file <paramref name="source"/> holds in base64: 400 unless it is base64, 413 past <paramref name="room"/>
    /// bytes (the request body's own limit bounds what is decoded here).
    /// </summary>
    private static int Decoded(string source, int index, long room)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(source);
        }
        catch (FormatException)
        {
            throw new InvalidValue($"Invalid mounts[{index}] source: a bind mount's source is the file's content in base64, and this is not valid base64.");
        }
        return bytes.Length <= room
            ? bytes.Length
            : throw new RequestEntityTooLarge($"The files injected by mounts (up to mounts[{index}]) are larger than {RequestLimits.MaxInjectedBytes} bytes together, the most a create injects.");
    }
}
