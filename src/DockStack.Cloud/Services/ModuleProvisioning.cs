using System.Text;
using DockStack.Cloud.Events;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services;

/// <summary>How an image layer provisions its modules, and what of them keys it.</summary>
public static class ModuleProvisioning
{
    /// <summary>The code every module's steps run through: this folder's own files (the module contract, the provisioning
    /// context and its scripts) and the INI editing.</summary>
    public static string SharedDigest => EmbeddedFiles.Digest(EmbeddedFiles.Paths
        .Where(p => p.StartsWith("Services/", StringComparison.Ordinal)
            && (p.Count(c => c == '/') == 1 || p.StartsWith("Services/Scripts/", StringComparison.Ordinal)))
        .Append("Provisioning/Ini/"));

    /// <summary>
    /// What of an enabled module shapes the image its layer builds: <see cref="IServiceModule.SourceDigest"/> (its sources,
    /// scripts and files), every config file as it renders it (post-config applied), every file it writes, its databases
    /// and Keystone entries. Its packages are the packages layer's inputs.
    /// </summary>
    public static IEnumerable<string> Inputs(IServiceModule module, CloudSettings settings)
    {
        yield return $"module {module.Name} {module.SourceDigest}";
        foreach (var file in module.ConfigFiles)
        {
            yield return $"config {file.Path}\n{file.Render(settings)}";
        }
        foreach (var file in module.Files(settings))
        {
            yield return $"file {file.Path} {Convert.ToString((int)file.Mode, 8)} {file.Uid}:{file.Gid}\n{Encoding.UTF8.GetString(file.Content)}";
        }
        foreach (var database in module.Databases(settings))
        {
            yield return $"database {database.Name} {database.User}";
        }
        foreach (var entry in module.KeystoneEntries(settings))
        {
            yield return $"keystone {entry.User} {entry.Catalog}";
        }
    }

    /// <summary>
    /// Runs the steps of the enabled modules: first every <see cref="ProvisioningPhase.Configure"/> step, module by
    /// module in the given (catalog) order, then every <see cref="ProvisioningPhase.Populate"/> step in the same order.
    /// </summary>
    public static async Task RunAsync(Node node, CloudSettings settings, IReadOnlyList<IServiceModule> modules, CancellationToken cancellationToken)
    {
        var databases = modules.Where(m => m.IsEnabled(settings)).SelectMany(m => m.Databases(settings)).ToList();
        var context = new ProvisioningContext(node, settings, databases, cancellationToken);
        foreach (var step in StepsFor(settings, modules))
        {
            await node.Events.StepAsync($"Provisioning {step.Title}", () => step.RunAsync(context));
        }
    }

    /// <summary>The steps that run, in order.</summary>
    public static IReadOnlyList<IProvisioningStep> StepsFor(CloudSettings settings, IReadOnlyList<IServiceModule> modules)
    {
        var steps = modules.Where(m => m.IsEnabled(settings)).SelectMany(m => m.Steps).Where(s => s.AppliesTo(settings)).ToList();
        return Enum.GetValues<ProvisioningPhase>().SelectMany(phase => steps.Where(s => s.Phase == phase)).ToList();
    }
}
