using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;

namespace DockStack.Cloud.Verify;

/// <summary>
/// Debian's tempest on the base image: the image of the side container <c>verify</c> runs in the node's network
/// namespace. Kept out of the cloud's own image, so the node stays as light as it was and a cloud that never runs
/// tempest never builds it.
/// </summary>
public sealed class TempestLayer : IImageLayer
{
    /// <summary>tempest; os-testr for subunit2html, subunit and junitxml for subunit2junitxml; ping, which tempest's
    /// scenarios run toward floating IPs from where tempest runs.</summary>
    public static readonly IReadOnlyList<string> Packages = ["tempest", "python3-os-testr", "subunit", "python3-junitxml", "iputils-ping"];

    public string Name => "tempest";

    public IEnumerable<string> Inputs => [.. Packages, $"code {EmbeddedFiles.Digest(["Verify/TempestLayer.cs", "Verify/Scripts/install-tempest.sh", "Provisioning/Layers/Scripts/package-sources.sh"])}"];

    public async Task BuildAsync(Node node, CancellationToken cancellationToken)
    {
        var release = await node.RunAsync("Reading the Debian release", ["sh", "-c", ". /etc/os-release && echo \"$VERSION_CODENAME\""], cancellationToken);
        await node.ShellAsync("Package sources", EmbeddedFiles.Read("Provisioning/Layers/Scripts/package-sources.sh"), cancellationToken, [$"SUITE={release.Stdout.Trim()}"]);
        await node.Events.StepAsync($"Installing {string.Join(", ", Packages)}", () =>
            node.ShellAsync("tempest install", EmbeddedFiles.Read("Verify/Scripts/install-tempest.sh"), cancellationToken,
                ["DEBIAN_FRONTEND=noninteractive", $"PACKAGES={string.Join(' ', Packages)}"]));
    }
}
