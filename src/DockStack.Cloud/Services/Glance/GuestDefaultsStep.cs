using System.Text.Json.Nodes;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Services.Glance;

/// <summary>
/// What DevStack leaves in a new cloud for booting servers: its flavors, and a tiny bootable image in Glance.
/// DevStack downloads CirrOS; nothing outside Debian's mirror is reachable here, so the image is built from
/// Debian's packages: the cloud kernel and a busybox initramfs, registered as kernel + ramdisk + machine image
/// (Glance's aki/ari/ami formats, which Nova's libvirt driver boots directly). The guest prints
/// <see cref="BootedMarker"/> on its serial console, asks for an address by DHCP and waits.
/// </summary>
public sealed class GuestDefaultsStep : IProvisioningStep
{
    public const string ImageName = "tiny-linux-x86_64";
    public const string BootedMarker = "dockstack-guest: booted";
    private const string Nova = "http://127.0.0.1:8774/v2.1";
    private const string Glance = "http://127.0.0.1:9292/v2";
    private const string GuestDirectory = "/var/lib/dockstack/guest";

    /// <summary>DevStack's flavors (lib/nova create_flavors, plus m1.nano and m1.micro that it makes for Tempest): id, name, vCPUs, MiB, GB.</summary>
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

    public string Title => "Flavors and the tiny guest image";

    public bool AppliesTo(CloudSettings settings) => settings.Has(DevStackServices.NovaApi) || settings.Has(DevStackServices.GlanceApi);

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        var ct = context.CancellationToken;
        var token = context.RequireKeystone().Token;
        if (s.Has(DevStackServices.NovaApi))
        {
            foreach (var (id, name, vcpus, ram, disk) in Flavors)
            {
                var body = new JsonObject { ["flavor"] = new JsonObject { ["id"] = id, ["name"] = name, ["vcpus"] = vcpus, ["ram"] = ram, ["disk"] = disk } };
                var response = await context.Http.SendAsync("POST", $"{Nova}/flavors", body, token, ct);
                if (!response.IsSuccess && response.Status != 409)
                {
                    throw new InvalidOperationException($"Nova refused flavor {name}: HTTP {response.Status} {response.Text}");
                }
            }
        }
        if (s.Has(DevStackServices.GlanceApi))
        {
            await context.Node.WriteFilesAsync([NodeFile.Text("/usr/local/sbin/dockstack-guest-build", BuildScript, NodeFile.Executable)], ct);
            await context.ShellAsync("Building the tiny guest (Debian's cloud kernel, a busybox initramfs)", $"/usr/local/sbin/dockstack-guest-build {GuestDirectory}");
            var kernel = await UploadAsync(context, $"{ImageName}-kernel", "aki", $"{GuestDirectory}/vmlinuz", new JsonObject());
            var ramdisk = await UploadAsync(context, $"{ImageName}-ramdisk", "ari", $"{GuestDirectory}/initrd", new JsonObject());
            await UploadAsync(context, ImageName, "ami", $"{GuestDirectory}/disk", new JsonObject
            {
                ["kernel_id"] = kernel,
                ["ramdisk_id"] = ramdisk,
                ["os_command_line"] = "console=ttyS0 quiet",
            });
            await context.ShellAsync("Removing the guest's build files", $"rm -rf {GuestDirectory} /usr/local/sbin/dockstack-guest-build");
        }
    }

    private static async Task<string> UploadAsync(ProvisioningContext context, string name, string format, string file, JsonObject properties)
    {
        var ct = context.CancellationToken;
        var token = context.RequireKeystone().Token;
        var body = new JsonObject { ["name"] = name, ["disk_format"] = format, ["container_format"] = format, ["visibility"] = "public" };
        foreach (var (key, value) in properties)
        {
            body[key] = value?.DeepClone();
        }
        var created = await context.Http.RequireAsync("POST", $"{Glance}/images", body, token, ct);
        var id = created.Body?["id"]?.GetValue<string>() ?? throw new InvalidOperationException($"Glance created image {name} without an id: {created.Text}");
        await context.ShellAsync($"Uploading {name}", $$"""
            code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'X-Auth-Token: {{token}}' -H 'Content-Type: application/octet-stream' --data-binary @{{file}} {{Glance}}/images/{{id}}/file)
            [ "$code" = 204 ] || { echo "Glance answered HTTP $code to the upload of {{name}}" >&2; exit 1; }
            """);
        return id;
    }

    /// <summary>Runs in the build node: downloads three Debian packages (no install: the node keeps none of them) and packs the guest.</summary>
    public const string BuildScript = """
        #!/bin/sh
        # dockstack: a tiny bootable x86 guest from Debian's packages: the cloud kernel and a busybox initramfs.
        set -eu
        out=$1
        work=$(mktemp -d -p /var/tmp) # a node mounts /tmp noexec
        trap 'rm -rf "$work"' EXIT
        cd "$work"
        apt-get update -q >/dev/null
        apt-get download -q -o APT::Sandbox::User=root linux-image-cloud-amd64 busybox-static cpio >/dev/null
        kernel=$(dpkg-deb -f linux-image-cloud-amd64_*.deb Depends | tr ',|' '\n\n' | sed 's/ *(.*//; s/^ *//' | grep '^linux-image-.*cloud-amd64' | grep -v unsigned | head -n1)
        apt-get download -q -o APT::Sandbox::User=root "$kernel" >/dev/null
        rm -rf /var/lib/apt/lists/*
        dpkg-deb -x "$kernel"_*.deb k
        dpkg-deb -x busybox-static_*.deb b
        dpkg-deb -x cpio_*.deb c
        mkdir -p root/bin root/dev root/proc root/sys root/etc root/tmp root/lib/modules root/usr/share/udhcpc
        cp b/usr/bin/busybox root/bin/busybox
        for applet in sh mount echo cat ls ip udhcpc sleep insmod uname route ifconfig wget sed; do ln -s busybox "root/bin/$applet"; done
        for module in failover net_failover virtio_net; do
            f=$(find k -path '*/modules/*' -name "$module.ko*" | head -n1)
            if [ -n "$f" ]; then cp "$f" root/lib/modules/; fi
        done
        cat > root/usr/share/udhcpc/default.script <<'DHCP'
        #!/bin/sh
        [ "$1" = bound ] || exit 0
        ip addr add "$ip/${mask:-24}" dev "$interface"
        if [ -n "${router:-}" ]; then ip route add default via "${router%% *}" dev "$interface"; fi
        DHCP
        chmod 755 root/usr/share/udhcpc/default.script
        cat > root/init <<'INIT'
        #!/bin/sh
        mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
        for m in failover net_failover virtio_net; do for f in /lib/modules/$m.ko*; do [ -e "$f" ] && insmod "$f" 2>/dev/null; done; done
        echo "dockstack-guest: booted $(uname -r)"
        ip link set lo up
        ip link set eth0 up 2>/dev/null && udhcpc -i eth0 -s /usr/share/udhcpc/default.script -n -q -t 10 -T 2 || echo "dockstack-guest: no DHCP answer"
        ip -4 -o addr show dev eth0 2>/dev/null | while read -r _ _ _ address _; do echo "dockstack-guest: address $address"; done
        # Nova's metadata through the router (haproxy in its namespace, Neutron's metadata agent, nova-api's metadata app).
        if wget -q -T 15 -O /tmp/meta http://169.254.169.254/openstack/latest/meta_data.json; then
            echo "dockstack-guest: metadata uuid $(sed -n 's/.*"uuid": *"\([0-9a-f-]*\)".*/\1/p' /tmp/meta)"
        else
            echo "dockstack-guest: no metadata"
        fi
        echo "dockstack-guest: ready"
        while true; do sleep 3600; done
        INIT
        chmod 755 root/init
        mkdir -p "$out"
        (cd root && find . | "$work/c/usr/bin/cpio" -o -H newc --quiet | gzip -9) > "$out/initrd"
        cp k/boot/vmlinuz-* "$out/vmlinuz"
        truncate -s 1M "$out/disk"
        """;
}
