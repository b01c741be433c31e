namespace DockStack.UnitTests.Architecture;

/// <summary>The CLI hands options to the cloud layer and renders what comes back: it adapts no provisioning type and drives no node itself.</summary>
public class CliBoundaryTests
{
    private static IEnumerable<(string File, string Text)> CliSources() =>
        Directory.GetFiles(RepositoryFiles.Path("src", "DockStack.Cli"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f)));

    [Fact]
    public void Cli_NamesNoProvisioningType()
    {
        Assert.All(CliSources(), s => Assert.DoesNotContain("DockStack.Cloud.Provisioning", s.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void OnlyDoctor_TouchesTheEngine_EveryOtherCommandGoesThroughTheCloudManager()
    {
        var users = CliSources().Where(s => s.Text.Contains("Services.Engine", StringComparison.Ordinal)).Select(s => s.File);
        Assert.Equal(["DoctorCommand.cs"], users);
    }
}
