using System.Text;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;

namespace DockStack.Cloud.Services.MariaDb;

/// <summary>MariaDB: small buffers for a developer cloud, loopback only, a database and user per service.</summary>
public sealed class MariaDbModule : ServiceModule
{
    /// <summary>DevStack's name of the database service.</summary>
    public const string Service = "mysql";

    public const string Unit = "mariadb.service";

    private const string SqlFile = "/root/dockstack-databases.sql";

    public override string Name => "MariaDb";

    public override IReadOnlyList<string> DevStackNames => [Service];

    protected override IReadOnlyDictionary<string, string[]> PackagesByName { get; } = One(Service, "mariadb-server");

    public override bool StartsUnconfigured => true;

    public override IReadOnlyList<CloudService> Units { get; } = [new("mariadb", Service, Unit)];

    /// <summary>
    /// Every database together is a few tens of MB; the defaults' 128 MB InnoDB, Aria and MyISAM caches cost ~50 MB of
    /// resident memory (README.md in this folder).
    /// </summary>
    public static NodeFile ServerConfig => NodeFile.Text("/etc/mysql/mariadb.conf.d/90-dockstack.cnf", Read("MariaDb", "Files/90-dockstack.cnf"));

    public override IReadOnlyList<NodeFile> Files(CloudSettings settings) => [ServerConfig];

    /// <summary>In place before mariadb-server installs, so the data directory its postinst makes has the config's 16 MB redo
    /// log from the start: each image layer that runs MariaDB commits its whole redo log again (README.md in this folder).</summary>
    public override IReadOnlyList<NodeFile> PackageFiles(CloudSettings settings) => IsEnabled(settings) ? [ServerConfig] : [];

    public override IReadOnlyList<IProvisioningStep> Steps { get; } = [new MariaDbStep()];

    public static string ConnectionFor(CloudSettings settings, string database, string user) =>
        $"mysql+pymysql://{user}:{Uri.EscapeDataString(settings.Passwords.Database)}@127.0.0.1/{database}?charset=utf8mb4";

    /// <summary>Creates the databases and their users (reachable as localhost and 127.0.0.1) once MariaDB answers.</summary>
    public static async Task CreateDatabasesAsync(ProvisioningContext context, IReadOnlyList<ServiceDatabase> databases)
    {
        var password = Sql(context.Settings.Passwords.Database);
        var sql = new StringBuilder();
        foreach (var user in databases.Select(d => d.User).Distinct())
        {
            sql.Append($"CREATE USER IF NOT EXISTS '{user}'@'localhost' IDENTIFIED BY '{password}';\n");
            sql.Append($"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';\n");
        }
        foreach (var (database, user) in databases)
        {
            sql.Append($"CREATE DATABASE IF NOT EXISTS `{database}` CHARACTER SET utf8mb4;\n");
            sql.Append($"GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'localhost';\n");
            sql.Append($"GRANT ALL PRIVILEGES ON `{database}`.* TO '{user}'@'127.0.0.1';\n");
        }
        sql.Append("FLUSH PRIVILEGES;\n");
        await context.Node.WriteFilesAsync([NodeFile.Text(SqlFile, sql.ToString(), UnixFileMode.UserRead | UnixFileMode.UserWrite)], context.CancellationToken);
        await context.ScriptAsync("Creating the databases", "Services/MariaDb/Scripts/create-databases.sh", [SqlFile]);
    }

    private static string Sql(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal);

    /// <summary>MariaDB configured and restarted, with the databases of every module its layer provisions.</summary>
    private sealed class MariaDbStep : IProvisioningStep
    {
        public string Title => "MariaDB";

        public bool AppliesTo(CloudSettings settings) => settings.Has(Service);

        public async Task RunAsync(ProvisioningContext context)
        {
            await context.Node.WriteFilesAsync([ServerConfig], context.CancellationToken);
            await context.StartAsync(Unit);
            await context.RestartAsync(Unit);
            await CreateDatabasesAsync(context, context.Databases);
        }
    }
}
