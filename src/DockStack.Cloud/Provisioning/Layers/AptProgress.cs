using System.Text;
using System.Text.RegularExpressions;
using DockStack.Cloud.Events;

namespace DockStack.Cloud.Provisioning.Layers;

/// <summary>
/// Reads apt-get's output as it streams (passing every event on) and tells how far an install is: the total from
/// "N newly installed", then one more with each "Setting up PACKAGE" line dpkg prints.
/// </summary>
public sealed partial class AptProgress(ICloudEvents inner, string title) : ICloudEvents
{
    private readonly StringBuilder _partial = new();
    private readonly object _lock = new();
    private long? _total;
    private long _done;

    public (long Done, long? Total) State
    {
        get { lock (_lock) { return (_done, _total); } }
    }

    public void Publish(CloudEvent e)
    {
        inner.Publish(e);
        if (e is not CommandOutput output)
        {
            return;
        }
        List<StepProgress> updates = [];
        lock (_lock)
        {
            _partial.Append(output.Text);
            var text = _partial.ToString();
            var end = text.LastIndexOf('\n');
            if (end < 0)
            {
                return;
            }
            _partial.Clear().Append(text[(end + 1)..]);
            foreach (var line in text[..end].Split('\n'))
            {
                if (NewlyInstalled().Match(line) is { Success: true } m)
                {
                    _total = long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                    updates.Add(new StepProgress(title, _done, _total, "packages set up"));
                }
                else if (line.StartsWith("Setting up ", StringComparison.Ordinal))
                {
                    _done++;
                    updates.Add(new StepProgress(title, _done, _total, "packages set up"));
                }
            }
        }
        foreach (var update in updates)
        {
            inner.Publish(update);
        }
    }

    [GeneratedRegex(@"^\d+ upgraded, (\d+) newly installed")]
    private static partial Regex NewlyInstalled();
}
