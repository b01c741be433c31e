using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.RabbitMq;

/// <summary>
/// RabbitMQ with the openstack user. Its Type=notify unit held every OpenStack unit (ordered after it) until the broker
/// had booted (~8 s of a 2-core node's boot); the clients retry their connection, so the unit counts as started once
/// its process runs, and Erlang's schedulers do not busy-wait for work (CPU the other services need at boot).
/// </summary>
public sealed class RabbitMqModule : ServiceModule
{
    /// <summary>DevStack's name of the message queue service.</summary>
    public const string Service = "rabbit";

    public const string Unit = "rabbitmq-server.service";

    public override string Name => "RabbitMq";

    public override IReadOnlyList<string> DevStackNames => [Service];

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = One(Service, "rabbitmq-server");

    public override bool StartsUnconfigured => true;

    public override IReadOnlyList<CloudService> Units { get; } = [new("rabbitmq", Service, Unit)];

    private static IReadOnlyList<NodeFile> ServerFiles =>
    [
        NodeFile.Text($"/etc/systemd/system/{Unit}.d/dockstack.conf", Read("RabbitMq", "Files/rabbitmq-server.service.d-dockstack.conf")),
        NodeFile.Text("/etc/rabbitmq/rabbitmq-env.conf", Read("RabbitMq", "Files/rabbitmq-env.conf")),
    ];

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => ServerFiles;

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new RabbitMqStep()];

    public static string TransportUrl(CloudSettings settings) =>
        $"rabbit://openstack:{Uri.EscapeDataString(settings.Passwords.Rabbit)}@127.0.0.1:5672/";

    private sealed class RabbitMqStep : IProvisioningStep
    {
        public string Title => "RabbitMQ";

        public bool AppliesTo(CloudSettings settings) => settings.Has(Service);

        public async Task RunAsync(ProvisioningContext context)
        {
            await context.Node.WriteFilesAsync(ServerFiles, context.CancellationToken);
            await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], context.CancellationToken);
            await context.StartAsync(Unit);
            await context.RestartAsync(Unit);
            await context.ScriptAsync("Creating the RabbitMQ user", "Services/RabbitMq/Scripts/create-user.sh",
                environment: [$"RABBIT_PASSWORD={context.Settings.Passwords.Rabbit}"]);
        }
    }
}
