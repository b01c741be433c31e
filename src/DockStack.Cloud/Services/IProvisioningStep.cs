using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services;

/// <summary>When a step runs in its layer's build.</summary>
public enum ProvisioningPhase
{
    /// <summary>Configure a service, create or sync its data, start it: module by module, in catalog order (a module
    /// needs the ones listed before it).</summary>
    Configure,

    /// <summary>Once every service runs: the cloud's default contents (hosts mapped, networks, flavors, images).</summary>
    Populate,
}

/// <summary>One provisioning step: configure a service, sync its database, start it, check it answers.</summary>
public interface IProvisioningStep
{
    /// <summary>What the step provisions; shown as "Provisioning {Title}".</summary>
    string Title { get; }

    ProvisioningPhase Phase => ProvisioningPhase.Configure;

    /// <summary>Whether it runs with these settings; asked only when its module is enabled.</summary>
    bool AppliesTo(CloudSettings settings);

    Task RunAsync(ProvisioningContext context);
}
