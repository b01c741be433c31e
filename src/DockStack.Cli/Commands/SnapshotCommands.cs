using System.ComponentModel;
using System.Globalization;
using DockStack.Cli.Infrastructure;
using DockStack.Cli.Rendering;
using DockStack.Cloud.Events;
using DockStack.Cloud.Lifecycle;
using Spectre.Console;
using Spectre.Console.Cli;

namespace DockStack.Cli.Commands;

public class SnapshotNameSettings : CloudSettings
{
    [CommandArgument(0, "<SNAPSHOT>")]
    [Description("The snapshot's name")]
    public string Snapshot { get; init; } = "";
}

[Description("Save the cloud's whole state (root file system and volumes) as a named snapshot")]
public sealed class SnapshotSaveCommand(CliServices services) : CloudCommand<SnapshotNameSettings>(services)
{
    protected override async Task<int> RunAsync(SnapshotNameSettings settings, CancellationToken cancellationToken)
    {
        CloudManager.ValidateSnapshotName(settings.Snapshot);
        var snapshot = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).SaveSnapshotAsync(settings.Cloud, settings.Snapshot, cancellationToken));
        Services.Console.WriteLine($"Saved snapshot '{snapshot.Name}' of cloud '{settings.Cloud}'. Go back to it with: dockstack restore {snapshot.Name}");
        return ExitCodes.Ok;
    }
}

[Description("List a cloud's snapshots")]
public sealed class SnapshotListCommand(CliServices services) : CloudCommand<OutputSettings>(services)
{
    protected override async Task<int> RunAsync(OutputSettings settings, CancellationToken cancellationToken)
    {
        var manager = Services.Manager(NullCloudEvents.Instance);
        var snapshots = await manager.ListSnapshotsAsync(settings.Cloud, cancellationToken);
        if (settings.Json)
        {
            Json.Write(Services.Console, snapshots.Select(s => new { name = s.Name, created = s.Created, sizeBytes = s.SizeBytes, image = s.Image }));
            return ExitCodes.Ok;
        }
        if (snapshots.Count == 0)
        {
            Services.Console.WriteLine($"Cloud '{settings.Cloud}' has no snapshots (dockstack reset returns to the clean state it was created in).");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("NAME", "CREATED", "SIZE");
        foreach (var s in snapshots)
        {
            table.AddRow(Markup.Escape(s.Name), s.Created.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                (s.SizeBytes / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB");
        }
        Services.Console.Write(table);
        return ExitCodes.Ok;
    }
}

[Description("Remove a snapshot")]
public sealed class SnapshotRemoveCommand(CliServices services) : CloudCommand<SnapshotNameSettings>(services)
{
    protected override async Task<int> RunAsync(SnapshotNameSettings settings, CancellationToken cancellationToken)
    {
        await Services.Manager(NullCloudEvents.Instance).RemoveSnapshotAsync(settings.Cloud, settings.Snapshot, cancellationToken);
        Services.Console.WriteLine($"Removed snapshot '{settings.Snapshot}' of cloud '{settings.Cloud}'.");
        return ExitCodes.Ok;
    }
}

[Description("Replace the node with a saved snapshot: exactly the saved state comes back")]
public sealed class RestoreCommand(CliServices services) : CloudCommand<SnapshotNameSettings>(services)
{
    protected override async Task<int> RunAsync(SnapshotNameSettings settings, CancellationToken cancellationToken)
    {
        var result = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).RestoreAsync(settings.Cloud, settings.Snapshot, cancellationToken));
        Services.Console.WriteLine($"Cloud '{settings.Cloud}' restored from snapshot '{settings.Snapshot}' (systemd {result.Systemd.State} after {EventRenderer.Seconds(result.BootTime)}).");
        return ExitCodes.Ok;
    }
}

[Description("Return the cloud to the clean state it was created in")]
public sealed class ResetCommand(CliServices services) : CloudCommand<CloudSettings>(services)
{
    protected override async Task<int> RunAsync(CloudSettings settings, CancellationToken cancellationToken)
    {
        var result = await Services.Renderer(settings).RunAsync(events => Services.Manager(events).ResetAsync(settings.Cloud, cancellationToken));
        Services.Console.WriteLine($"Cloud '{settings.Cloud}' is back to its clean state (systemd {result.Systemd.State} after {EventRenderer.Seconds(result.BootTime)}).");
        return ExitCodes.Ok;
    }
}
