using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Provisioning.Ini;
using DockStack.Cloud.Services.Glance;
using DockStack.Cloud.Services.Horizon;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.Neutron;
using DockStack.Cloud.Services.Nova;

namespace DockStack.Cloud.Verify;

/// <summary>What tempest.conf needs that only the running cloud knows: ids it gave, extensions it has.</summary>
/// <param name="ImageId">The tiny guest (<see cref="GuestImageStep.ImageName"/>), when Glance runs.</param>
/// <param name="PublicNetworkId">The external network "public", when Neutron runs.</param>
/// <param name="NetworkExtensions">The aliases Neutron lists at /v2.0/extensions.</param>
public sealed record TempestFacts(string? ImageId, string? PublicNetworkId, IReadOnlyList<string> NetworkExtensions);

/// <summary>
/// Renders tempest.conf for a cloud from its settings (what is enabled, the admin account, the region) and the facts read
/// from it. Services the cloud does not have are marked unavailable, so tempest skips their tests by configuration; so
/// are features a one-node cloud under QEMU cannot give (migration, resize to another host, volumes, object storage).
/// </summary>
public static class TempestConfig
{
    /// <summary>DevStack's m1.nano and m1.micro, which it makes for tempest (Nova's flavors step creates them).</summary>
    public const string Flavor = "42";
    public const string FlavorAlt = "84";

    /// <summary>The login user of the tiny guest, as CirrOS's.</summary>
    public const string SshUser = "cirros";

    public static string Render(CloudSettings settings, TempestFacts facts)
    {
        var nova = settings.Has(NovaModule.Api);
        var neutron = settings.Has(NeutronModule.Server);
        var glance = settings.Has(GlanceModule.Api);
        // Reaching a guest (SSH through a floating IP) needs the whole chain: a server, its image, a router and the
        // public network (the floating IPs answer inside the node, where tempest runs).
        var validation = nova && glance && neutron && settings.Has(NeutronModule.L3) && settings.Has(NeutronModule.Dhcp)
            && settings.Has(NeutronModule.Metadata) && facts.PublicNetworkId is not null;
        var ini = IniDocument.Empty().SetAll(
        [
            ("DEFAULT", "log_file", "tempest.log"),
            ("auth", "admin_username", "admin"),
            ("auth", "admin_password", settings.Passwords.Admin),
            ("auth", "admin_project_name", "admin"),
            ("auth", "admin_domain_name", "Default"),
            ("auth", "use_dynamic_credentials", "true"),
            ("identity", "uri_v3", KeystoneModule.Url + "/v3"),
            ("identity", "auth_version", "v3"),
            ("identity", "region", settings.Region),
            ("identity-feature-enabled", "api_v2", "false"),
            ("service_available", "keystone", "true"),
            ("service_available", "nova", Flag(nova)),
            ("service_available", "neutron", Flag(neutron)),
            ("service_available", "glance", Flag(glance)),
            ("service_available", "horizon", Flag(settings.Has(HorizonModule.Service))),
            ("service_available", "cinder", "false"),
            ("service_available", "swift", "false"),
            // tempest's Debian package depends on Heat's plugin; the cloud has no Heat.
            ("service_available", "heat", "false"),
            ("image-feature-enabled", "api_v1", "false"),
            ("volume-feature-enabled", "backup", "false"),
        ]);
        if (nova)
        {
            ini.SetAll(
            [
                ("compute", "flavor_ref", Flavor),
                ("compute", "flavor_ref_alt", FlavorAlt),
                ("compute", "min_compute_nodes", "1"),
                ("compute", "max_microversion", "latest"),
                // Servers run under QEMU's software emulation on a node that shares its cores with tempest.
                ("compute", "build_timeout", "600"),
                ("compute-feature-enabled", "live_migration", "false"),
                ("compute-feature-enabled", "resize", "false"),
                ("compute-feature-enabled", "cold_migration", "false"),
                ("compute-feature-enabled", "change_password", "false"),
                ("compute-feature-enabled", "attach_encrypted_volume", "false"),
                ("compute-feature-enabled", "console_output", "true"),
                // The tiny guest reads its metadata from the metadata service only: it has no ISO 9660 driver or blkid.
                ("compute-feature-enabled", "config_drive", "false"),
                ("compute-feature-enabled", "vnc_console", Flag(settings.Has(NovaModule.NoVnc))),
            ]);
            if (facts.ImageId is { } image)
            {
                ini.SetAll([("compute", "image_ref", image), ("compute", "image_ref_alt", image)]);
            }
        }
        if (neutron)
        {
            ini.SetAll(
            [
                ("network", "floating_network_name", "public"),
                ("network-feature-enabled", "api_extensions", string.Join(',', facts.NetworkExtensions)),
                ("network-feature-enabled", "ipv6", "false"),
                ("network-feature-enabled", "floating_ips", Flag(facts.PublicNetworkId is not null)),
            ]);
            if (facts.PublicNetworkId is { } network)
            {
                ini.Set("network", "public_network_id", network);
            }
        }
        ini.SetAll(
        [
            ("validation", "run_validation", Flag(validation)),
            ("validation", "image_ssh_user", SshUser),
            ("validation", "connect_method", "floating"),
            ("validation", "auth_method", "keypair"),
            ("validation", "ip_version_for_ssh", "4"),
            // tempest's defaults (120 s to answer a ping, 60 s to connect) are meant for KVM; an emulated guest on a busy
            // 2-core node took longer once in six runs of the network scenario.
            ("validation", "ping_timeout", "300"),
            ("validation", "connect_timeout", "120"),
            ("validation", "ssh_timeout", "600"),
        ]);
        return ini.Render();
    }

    private static string Flag(bool value) => value ? "true" : "false";
}
