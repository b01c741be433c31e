using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services;
using DockStack.Cloud.Services.Catalog;

namespace DockStack.Cloud.Services.MariaDb;

/// <summary>MariaDB with a database and user per service, RabbitMQ with the openstack user, memcached.</summary>
public sealed class InfrastructureStep : IProvisioningStep
{
    public string Title => "MariaDB, RabbitMQ and memcached";

    public bool AppliesTo(CloudSettings settings) => settings.Has(DevStackServices.Database);

    /// <summary>Database name -> the user that owns it (DevStack's layout: one user per service).</summary>
    public static IReadOnlyList<(string Database, string User)> Databases(CloudSettings settings)
    {
        var list = new List<(string, string)>();
        if (settings.Has(DevStackServices.Keystone)) list.Add(("keystone", "keystone"));
        if (settings.Has(DevStackServices.GlanceApi)) list.Add(("glance", "glance"));
        if (settings.Has(DevStackServices.PlacementApi)) list.Add(("placement", "placement"));
        if (settings.Nova) list.AddRange([("nova_api", "nova"), ("nova", "nova"), ("nova_cell0", "nova")]);
        if (settings.Neutron) list.Add(("neutron", "neutron"));
        return list;
    }

    public async Task RunAsync(ProvisioningContext context)
    {
        var s = context.Settings;
        // MariaDB: small buffers for a developer cloud (every database together is a few tens of MB; the
        // defaults' 128 MB InnoDB, Aria and MyISAM caches cost ~50 MB of resident memory, NOTES.md); loopback only.
        // RabbitMQ: its Type=notify unit holds every OpenStack unit (ordered after it) until the broker has booted
        // (~8 s of a 2-core node's boot); the clients retry their connection, so the unit counts as started once
        // its process runs, and Erlang's schedulers do not busy-wait for work (CPU the other services need at boot).
        await context.Node.WriteFilesAsync(
        [
            Nodes.NodeFile.Text("/etc/mysql/mariadb.conf.d/90-dockstack.cnf", """
                [mysqld]
                bind-address = 127.0.0.1
                max_connections = 500
                innodb_buffer_pool_size = 32M
                innodb_log_buffer_size = 4M
                aria_pagecache_buffer_size = 8M
                key_buffer_size = 8M
                table_open_cache = 400
                performance_schema = OFF
                character-set-server = utf8mb4
                collation-server = utf8mb4_general_ci
                skip-name-resolve

                """),
            Nodes.NodeFile.Text("/etc/systemd/system/rabbitmq-server.service.d/dockstack.conf", "[Service]\nType=exec\n"),
            Nodes.NodeFile.Text("/etc/rabbitmq/rabbitmq-env.conf", "# dockstack: no scheduler busy-waiting\nSERVER_ADDITIONAL_ERL_ARGS=\"+sbwt none +sbwtdcpu none +sbwtdio none\"\n"),
        ], context.CancellationToken);
        await context.Node.RunAsync("systemd reload", ["systemctl", "daemon-reload"], context.CancellationToken);
        var units = new List<string> { "mariadb.service" };
        if (s.Has(DevStackServices.Rabbit)) units.Add("rabbitmq-server.service");
        if (s.Has(DevStackServices.Keystone)) units.Add("memcached.service");
        if (s.Has(DevStackServices.Keystone))
        {
            // trixie's memcached listens on 127.0.0.1,::1 and fails to start in a node without IPv6 on lo.
            // It also crash-looped at the build node's boot until systemd's start limit: clear that before starting it.
            await context.ShellAsync("memcached on IPv4 loopback",
                "sed -i -E '/^-l ::1$/d; s/^-l .*/-l 127.0.0.1/' /etc/memcached.conf; systemctl reset-failed memcached.service || true");
        }
        await context.StartAsync([.. units]);
        await context.RestartAsync([.. units]);

        var sql = new System.Text.StringBuilder();
        foreach (var user in Databases(s).Select(d => d.User).Distinct())
        {
            sql.Append($"CREATE USER IF NOT EXISTS '{user}'@'localhost' IDENTIFIED BY '{Sql(s.Passwords.Database)}';\n");
            sql.Append($"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{Sql(s.Passwords.Database)}';\n");
        }
        foreach (var (database, user) in Databases(s))
        {
            sql.Append($"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4;\n");
            sql.Append($"GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'localhost';\n");
            sql.Append($"GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'127.0.0.1';\n");
        }
        sql.Append("FLUSH PRIVILEGES;\n");
        await context.Node.WriteFilesAsync([Nodes.NodeFile.Text("/root/dockstack-databases.sql", sql.ToString(), Nodes.NodeFile.DefaultMode & ~(UnixFileMode.GroupRead | UnixFileMode.OtherRead))], context.CancellationToken);
        await context.ShellAsync("Creating the databases", "for i in $(seq 60); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 0.5; done; mariadb < /root/dockstack-databases.sql; rm -f /root/dockstack-databases.sql");

        if (s.Has(DevStackServices.Rabbit))
        {
            await context.ShellAsync("Creating the RabbitMQ user", $"""
                # The unit counts as started once the broker's process runs (Type=exec), and await_startup fails at once
                # while the Erlang node is not up yet ("not running at all"): retry until it answers.
                for i in $(seq 120); do rabbitmqctl await_startup --timeout 120 >/dev/null 2>&1 && break; sleep 1; done
                rabbitmqctl await_startup --timeout 10 >/dev/null
                rabbitmqctl add_user openstack '{s.Passwords.Rabbit.Replace("'", "'\\''", StringComparison.Ordinal)}' >/dev/null
                rabbitmqctl set_permissions openstack '.*' '.*' '.*' >/dev/null
                rabbitmqctl delete_user guest >/dev/null 2>&1 || true
                """);
        }
    }

    private static string Sql(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal);

    public static string ConnectionFor(CloudSettings settings, string database, string user) =>
        $"mysql+pymysql://{user}:{Uri.EscapeDataString(settings.Passwords.Database)}@127.0.0.1/{database}?charset=utf8mb4";

    public static string TransportUrl(CloudSettings settings) =>
        $"rabbit://openstack:{Uri.EscapeDataString(settings.Passwords.Rabbit)}@127.0.0.1:5672/";
}
