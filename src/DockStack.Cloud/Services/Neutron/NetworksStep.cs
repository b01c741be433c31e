using System.Text.Json.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Neutron;

/// <summary>DevStack's default networks: a flat external "public" network, and for the demo project a VXLAN
/// "private" network whose router has its gateway on "public".</summary>
internal sealed class NetworksStep : IProvisioningStep
{
    private const string Neutron = NeutronModule.Url + "/v2.0";

    public string Title => "Networks: public, private and router1";

    public ProvisioningPhase Phase => ProvisioningPhase.Populate;

    public bool AppliesTo(CloudSettings settings) => settings.Has(NeutronModule.Server);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        var ct = context.CancellationToken;
        var keystone = await context.KeystoneAsync();
        var demo = await keystone.EnsureProjectAsync("demo", "Demo project", ct);
        var admin = await keystone.EnsureProjectAsync("admin", "Bootstrap project for initializing the cloud.", ct);

        var publicNet = await CreateAsync(context, "networks", "network", new JsonObject
        {
            ["name"] = "public",
            ["project_id"] = admin,
            ["router:external"] = true,
            ["provider:network_type"] = "flat",
            ["provider:physical_network"] = s.Network.PhysicalNetwork,
        });
        var publicSubnet = await CreateAsync(context, "subnets", "subnet", new JsonObject
        {
            ["name"] = "public-subnet",
            ["project_id"] = admin,
            ["network_id"] = publicNet,
            ["ip_version"] = 4,
            ["cidr"] = s.Network.FloatingRange,
            ["gateway_ip"] = s.Network.PublicGateway,
            ["enable_dhcp"] = false,
        });
        var privateNet = await CreateAsync(context, "networks", "network", new JsonObject { ["name"] = "private", ["project_id"] = demo });
        var privateSubnet = await CreateAsync(context, "subnets", "subnet", new JsonObject
        {
            ["name"] = "private-subnet",
            ["project_id"] = demo,
            ["network_id"] = privateNet,
            ["ip_version"] = 4,
            ["cidr"] = s.Network.FixedRange,
            ["gateway_ip"] = s.Network.FixedGateway,
            ["dns_nameservers"] = new JsonArray(),
        });
        var router = await CreateAsync(context, "routers", "router", new JsonObject
        {
            ["name"] = "router1",
            ["project_id"] = demo,
            ["external_gateway_info"] = new JsonObject { ["network_id"] = publicNet },
        });
        await context.Http.RequireAsync("PUT", $"{Neutron}/routers/{router}/add_router_interface", new JsonObject { ["subnet_id"] = privateSubnet }, keystone.Token, ct);
        _ = publicSubnet;
    }

    private static async Task<string> CreateAsync(ProvisioningContext context, string collection, string member, JsonObject body)
    {
        var response = await context.Http.RequireAsync("POST", $"{Neutron}/{collection}", new JsonObject { [member] = body }, (await context.KeystoneAsync()).Token, context.CancellationToken);
        return response.Body?[member]?["id"]?.GetValue<string>() ?? throw new InvalidOperationException($"Neutron created a {member} without an id: {response.Text}");
    }
}
