using System.Security.Cryptography;

namespace DockStack.Cloud.Provisioning;

/// <summary>
/// The generated admin password used when local.conf sets none: created once, stored in DockStack's
/// state folder (owner-only) and reused, so a cached cloud image keeps matching its inputs.
/// </summary>
public static class AdminPasswordStore
{
    public const string FileName = "admin-password";

    public static string GetOrCreate(string stateRoot)
    {
        var path = Path.Combine(stateRoot, FileName);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }
        Directory.CreateDirectory(stateRoot);
        var password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
        PrivateFiles.Write(path, password + "\n");
        return password;
    }
}
