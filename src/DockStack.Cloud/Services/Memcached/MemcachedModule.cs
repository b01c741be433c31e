using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.Memcached;

/// <summary>memcached on IPv4 loopback: Keystone's token cache, Nova's cache and Horizon's.</summary>
public sealed class MemcachedModule : ServiceModule
{
    /// <summary>DevStack installs memcached with Keystone (lib/keystone), so its DevStack name is Keystone's.</summary>
    private const string EnabledBy = "key";

    public const string Unit = "memcached.service";

    public const string Address = "127.0.0.1:11211";

    public override string Name => "Memcached";

    public override bool IsEnabled(CloudSettings settings) => settings.Has(EnabledBy);

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = One(EnabledBy, "memcached");

    public override bool StartsUnconfigured => true;

    public override IReadOnlyList<CloudService> Units { get; } = [new("memcached", EnabledBy, Unit)];

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new MemcachedStep()];

    private sealed class MemcachedStep : IProvisioningStep
    {
        public string Title => "memcached";

        public bool AppliesTo(CloudSettings settings) => settings.Has(EnabledBy);

        public async Task RunAsync(ProvisioningContext context)
        {
            // trixie's memcached listens on 127.0.0.1,::1 and fails to start in a node without IPv6 on lo.
            // It also crash-looped at the build node's boot until systemd's start limit: clear that before starting it.
            await context.ShellAsync("memcached on IPv4 loopback",
                "sed -i -E '/^-l ::1$/d; s/^-l .*/-l 127.0.0.1/' /etc/memcached.conf; systemctl reset-failed memcached.service || true");
            await context.StartAsync(Unit);
            await context.RestartAsync(Unit);
        }
    }
}
