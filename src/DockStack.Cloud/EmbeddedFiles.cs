using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace DockStack.Cloud;

/// <summary>
/// The files compiled into this assembly under their path in the project (DockStack.Cloud.csproj): each module's
/// <c>Scripts/</c> and <c>Files/</c>, and every C# source, so that an image layer's key can hash the very code and
/// scripts it runs.
/// </summary>
public static class EmbeddedFiles
{
    private static readonly Assembly Assembly = typeof(EmbeddedFiles).Assembly;

    private static readonly Lazy<IReadOnlyList<string>> AllPaths = new(() =>
        Assembly.GetManifestResourceNames().Order(StringComparer.Ordinal).ToList());

    /// <summary>Every embedded path, e.g. <c>Services/Nova/Scripts/nova-compute</c>.</summary>
    public static IReadOnlyList<string> Paths => AllPaths.Value;

    public static string Read(string path) => Encoding.UTF8.GetString(ReadBytes(path));

    public static byte[] ReadBytes(string path)
    {
        using var stream = Assembly.GetManifestResourceStream(path)
            ?? throw new InvalidOperationException($"{path} is not embedded in {Assembly.GetName().Name} (see its .csproj).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The embedded paths under a folder (<c>Services/Nova/</c>) or equal to a file's path.</summary>
    public static IReadOnlyList<string> Under(string prefix) =>
        Paths.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    /// <summary>A digest of the embedded files under the given folders or paths: their paths and contents.</summary>
    public static string Digest(IEnumerable<string> prefixes)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in prefixes.SelectMany(Under).Distinct().Order(StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(path + "\0"));
            hash.AppendData(SHA256.HashData(ReadBytes(path)));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
