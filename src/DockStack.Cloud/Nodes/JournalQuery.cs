using System.Globalization;

namespace DockStack.Cloud.Nodes;

/// <summary>What `dockstack logs` reads from the node's journal: one unit's lines or all, the last few, optionally followed.</summary>
public sealed record JournalQuery(string? Unit, int Lines, bool Follow)
{
    public IReadOnlyList<string> Command
    {
        get
        {
            var command = new List<string> { "journalctl", "--no-pager", "-o", "short-iso", "-n", Lines.ToString(CultureInfo.InvariantCulture) };
            if (Unit is { Length: > 0 } unit)
            {
                command.AddRange(["-u", unit]);
            }
            if (Follow)
            {
                command.Add("-f");
            }
            return command;
        }
    }
}
