using System.Text.RegularExpressions;

namespace DockStack.Cloud.Verify;

public enum TestOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One test as tempest's progress output names it.</summary>
public sealed record TempestTest(string Id, TestOutcome Outcome, double? Seconds, string? Reason)
{
    /// <summary>The service area: <c>tempest.api.compute.servers...</c> is "compute", <c>tempest.scenario...</c> "scenario".</summary>
    public string Area
    {
        get
        {
            // A class fixture that failed reads "setUpClass (tempest.api.network.test_ports.PortsTestJSON)".
            var id = Id.IndexOf(" (", StringComparison.Ordinal) is > 0 and var open ? Id[(open + 2)..].TrimEnd(')') : Id;
            var parts = id.Split('.');
            return parts.Length > 2 && parts[0] == "tempest" ? parts[1] == "api" && parts.Length > 3 ? parts[2] : parts[1] : parts[0];
        }
    }
}

/// <summary>
/// Reads the lines <c>tempest run</c> prints as tests finish (subunit-trace's format):
/// <c>{0} tempest.api.compute.flavors.test_flavors.FlavorsV2TestJSON.test_get_flavor [0.31s] ... ok</c>,
/// <c>... FAILED</c>, <c>... SKIPPED: reason</c>; a class whose set-up failed is <c>{1} setUpClass (tempest...Test) ... FAILED</c>.
/// </summary>
public sealed partial class TempestResults
{
    private readonly List<TempestTest> _tests = [];

    public IReadOnlyList<TempestTest> Tests => _tests;

    public int Passed => _tests.Count(t => t.Outcome == TestOutcome.Passed);

    public int Failed => _tests.Count(t => t.Outcome == TestOutcome.Failed);

    public int Skipped => _tests.Count(t => t.Outcome == TestOutcome.Skipped);

    /// <summary>Takes one line of output; returns the test it finished, if it was such a line.</summary>
    public TempestTest? Add(string line)
    {
        var match = ProgressLine().Match(line.TrimEnd('\r'));
        if (!match.Success)
        {
            return null;
        }
        var outcome = match.Groups["status"].Value switch
        {
            "ok" => TestOutcome.Passed,
            "SKIPPED" => TestOutcome.Skipped,
            _ => TestOutcome.Failed,
        };
        double? seconds = double.TryParse(match.Groups["time"].Value, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : null;
        var reason = match.Groups["reason"].Success ? match.Groups["reason"].Value.Trim() : null;
        var test = new TempestTest(match.Groups["id"].Value, outcome, seconds, string.IsNullOrEmpty(reason) ? null : reason);
        _tests.Add(test);
        return test;
    }

    /// <summary>Each failed test's traceback, from the JUnit file subunit2junitxml wrote (<c>results.xml</c>), by the id
    /// the progress lines give it (without tempest's <c>[id-...,smoke]</c> suffix); none when the file is missing.</summary>
    public static IReadOnlyDictionary<string, string> Tracebacks(string junitFile)
    {
        var tracebacks = new Dictionary<string, string>();
        if (!File.Exists(junitFile))
        {
            return tracebacks;
        }
        foreach (var test in System.Xml.Linq.XDocument.Load(junitFile).Descendants("testcase"))
        {
            var failure = test.Elements().FirstOrDefault(e => e.Name.LocalName is "failure" or "error");
            if (failure is not null)
            {
                // subunit2junitxml splits the id at its last dot: class and name together give it back.
                var name = (string?)test.Attribute("name") ?? "";
                var bracket = name.IndexOf('[', StringComparison.Ordinal);
                name = bracket > 0 ? name[..bracket] : name;
                var classname = (string?)test.Attribute("classname");
                tracebacks[string.IsNullOrEmpty(classname) ? name : $"{classname}.{name}"] = failure.Value.TrimEnd();
            }
        }
        return tracebacks;
    }

    /// <summary>Counts per area, in the order areas first appeared.</summary>
    public IReadOnlyList<(string Area, int Passed, int Failed, int Skipped)> ByArea() =>
        _tests.GroupBy(t => t.Area)
            .Select(g => (g.Key, g.Count(t => t.Outcome == TestOutcome.Passed), g.Count(t => t.Outcome == TestOutcome.Failed), g.Count(t => t.Outcome == TestOutcome.Skipped)))
            .ToList();

    [GeneratedRegex(@"^\{\d+\}\s+(?<id>\S+(?: \([^)]*\))?)\s+(?:\[(?<time>[0-9.]+)s\]\s+)?\.\.\.\s+(?<status>ok|FAILED|SKIPPED)(?::\s*(?<reason>.*))?$")]
    private static partial Regex ProgressLine();
}

/// <summary>Which tests <c>verify</c> runs: tempest's smoke set, everything, or a regular expression over test ids.</summary>
public sealed record TempestSuite(string Name)
{
    public static readonly TempestSuite Smoke = new("smoke");

    /// <summary>The arguments of <c>tempest run</c> for this suite.</summary>
    public IReadOnlyList<string> RunArguments => Name switch
    {
        "smoke" => ["--smoke"],
        "full" => [],
        _ => ["--regex", Name],
    };

    /// <summary>smoke, full, or a regular expression (checked here, so a typo fails before anything starts).</summary>
    public static TempestSuite Parse(string value)
    {
        if (value is "smoke" or "full")
        {
            return new TempestSuite(value);
        }
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("--suite needs smoke, full or a regular expression over test ids.");
        }
        try
        {
            _ = new Regex(value);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"--suite '{value}' is neither smoke, full nor a valid regular expression: {e.Message}");
        }
        return new TempestSuite(value);
    }
}
