using System.Text.Json.Nodes;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Nova;

/// <summary>Maps the compute host into cell1 once nova-compute has registered (the committed image then needs no discovery).</summary>
internal sealed class DiscoverHostsStep : IProvisioningStep
{
    public string Title => "the compute host's mapping into cell1";

    public ProvisioningPhase Phase => ProvisioningPhase.Populate;

    public bool AppliesTo(CloudSettings settings) => settings.Has(NovaModule.Compute);

    public Task RunAsync(ProvisioningContext context) =>
        context.ScriptAsync("Mapping the compute host into cell1", "Services/Nova/Scripts/discover-hosts.sh", [NodeSpec.Hostname]);
}

/// <summary>DevStack's flavors (lib/nova create_flavors, plus m1.nano and m1.micro that it makes for Tempest).</summary>
public sealed class FlavorsStep : IProvisioningStep
{
    /// <summary>Id, name, vCPUs, MiB, GB.</summary>
    public static readonly IReadOnlyList<(string Id, string Name, int Vcpus, int RamMb, int DiskGb)> Flavors =
    [
        ("1", "m1.tiny", 1, 512, 1),
        ("2", "m1.small", 1, 2048, 20),
        ("3", "m1.medium", 2, 4096, 40),
        ("4", "m1.large", 4, 8192, 80),
        ("5", "m1.xlarge", 8, 16384, 160),
        ("c1", "cirros256", 1, 256, 1),
        ("d1", "ds512M", 1, 512, 5),
        ("d2", "ds1G", 1, 1024, 10),
        ("d3", "ds2G", 2, 2048, 10),
        ("d4", "ds4G", 4, 4096, 20),
        ("42", "m1.nano", 1, 128, 1),
        ("84", "m1.micro", 1, 192, 1),
    ];

    public string Title => "the flavors";

    public ProvisioningPhase Phase => ProvisioningPhase.Populate;

    public bool AppliesTo(CloudSettings settings) => settings.Has(NovaModule.Api);

    public async Task RunAsync(ProvisioningContext context)
    {
        var token = (await context.KeystoneAsync()).Token;
        foreach (var (id, name, vcpus, ram, disk) in Flavors)
        {
            var body = new JsonObject { ["flavor"] = new JsonObject { ["id"] = id, ["name"] = name, ["vcpus"] = vcpus, ["ram"] = ram, ["disk"] = disk } };
            var response = await context.Http.SendAsync("POST", $"{NovaModule.Url}/v2.1/flavors", body, token, context.CancellationToken);
            if (!response.IsSuccess && response.Status != 409)
            {
                throw new InvalidOperationException($"Nova refused flavor {name}: HTTP {response.Status} {response.Text}");
            }
        }
    }
}
