using DockStack.Cli;
using DockStack.Cli.Commands;
using DockStack.Cli.Infrastructure;
using DockStack.Cloud.Lifecycle;
using DockStack.Docker;
using Spectre.Console.Testing;

namespace DockStack.UnitTests;

public class CliTests
{
    private static async Task<(int Code, TestConsole Console)> Run(params string[] args)
    {
        var console = new TestConsole();
        // No engine is touched by these cases: a factory that fails proves it.
        var app = CliApp.Create(console, () => throw new InvalidOperationException("the engine must not be used"), new StatePaths(Path.GetTempPath()));
        var code = await app.RunAsync(args, CancellationToken.None);
        return (code, console);
    }

    [Theory]
    [InlineData("up", "--name", "Bad_Name")]
    [InlineData("up", "--release", "Trixie!")]
    [InlineData("up", "--config", "/nonexistent/local.conf")]
    [InlineData("up", "--publish", "70000")]
    [InlineData("up", "--address", "10.0.0.1")]
    [InlineData("up", "--address", "127.0.0.0")]
    [InlineData("up", "--address", "127.0.0.255")]
    [InlineData("up", "--address", "localhost")]
    [InlineData("up", "--memory", "lots")]
    [InlineData("up", "--memory", "8x")]
    [InlineData("up", "--memory", "-8g")]
    [InlineData("up", "--memory", "1.5g")]
    [InlineData("up", "--memory", "100m")]
    [InlineData("up", "--memory", "99999999999g")]
    [InlineData("up", "--memory", "")]
    [InlineData("up", "--pids-limit", "0")]
    [InlineData("up", "--pids-limit", "-1")]
    [InlineData("up", "--pids-limit", "100")]
    [InlineData("up", "--pids-limit", "99999999")]
    [InlineData("up", "--pids-limit", "8k")]
    [InlineData("status", "--output", "yaml")]
    [InlineData("exec")]
    [InlineData("frobnicate")]
    public async Task BadInput_ExitsWithUsageCode_BeforeTouchingTheEngine(params string[] args)
    {
        var (code, _) = await Run(args);
        Assert.Equal(ExitCodes.Usage, code);
    }

    [Fact]
    public void UpLimits_AreValidatedBeforeAnythingRuns_NamingTheOption()
    {
        var memory = new UpCommand.Settings { Memory = "8x" }.Validate();
        Assert.False(memory.Successful);
        Assert.Contains("--memory '8x' is not a size", memory.Message, StringComparison.Ordinal);
        var pids = new UpCommand.Settings { PidsLimit = "10" }.Validate();
        Assert.False(pids.Successful);
        Assert.Contains("--pids-limit '10'", pids.Message, StringComparison.Ordinal);

        var good = new UpCommand.Settings { Memory = "12288m", PidsLimit = "4096" };
        Assert.True(good.Validate().Successful);
        Assert.Equal(12L * 1024 * 1024 * 1024, good.ParsedMemory);
        Assert.Equal(4096, good.ParsedPidsLimit);
        Assert.Null(new UpCommand.Settings().ParsedMemory);
        Assert.Null(new UpCommand.Settings().ParsedPidsLimit);
    }

    [Fact]
    public void UpAddress_IsValidatedBeforeAnythingRuns_NamingTheRule()
    {
        var bad = new UpCommand.Settings { Address = "10.0.0.1" }.Validate();

        Assert.False(bad.Successful);
        Assert.Contains("--address: '10.0.0.1' is not a loopback address", bad.Message, StringComparison.Ordinal);
        Assert.True(new UpCommand.Settings { Address = "127.0.0.11" }.Validate().Successful);
        Assert.Equal("127.0.0.11", new UpCommand.Settings { Address = "127.0.0.11" }.ParsedAddress!.Value);
        Assert.Null(new UpCommand.Settings().ParsedAddress);
    }

    [Fact]
    public void AddressTaken_AndPortTakenOnTheCloudsAddress_ExitWithThePortInUseCode()
    {
        Assert.Equal(ExitCodes.PortInUse, ErrorReporter.Classify(new AddressTakenException("Address 127.0.0.11 belongs to cloud 'ci'.")).Code);
        var (code, message) = ErrorReporter.Classify(new PortTakenException(5000, "127.0.0.11"));
        Assert.Equal(ExitCodes.PortInUse, code);
        Assert.Contains("Port 5000 on 127.0.0.11", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        var (code, console) = await Run("--help");
        Assert.Equal(0, code);
        foreach (var command in new[] { "up", "down", "status", "list", "shell", "exec", "logs", "snapshot", "restore", "reset", "clean", "doctor" })
        {
            Assert.Contains(command, console.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("8080", 8080, 8080)]
    [InlineData("18080:80", 80, 18080)]
    public void PublishSpec_ParsesPortAndPair(string text, int node, int host)
    {
        Assert.True(PublishSpec.TryParse(text, out var binding));
        Assert.Equal(node, binding!.ContainerPort);
        Assert.Equal(host, binding.HostPort);
        Assert.Equal("127.0.0.1", binding.HostIp);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("a:b")]
    [InlineData("1:2:3")]
    [InlineData("-5")]
    public void PublishSpec_RejectsNonPorts(string text) => Assert.False(PublishSpec.TryParse(text, out _));

    [Fact]
    public void JournalCommand_FollowsOneUnit()
    {
        var command = LogsCommand.JournalCommand(new LogsCommand.Settings { Unit = "keystone", Follow = true, Lines = 50 });
        Assert.Equal(["journalctl", "--no-pager", "-o", "short-iso", "-n", "50", "-u", "keystone", "-f"], command);
    }

    [Fact]
    public void JournalCommand_WholeJournal_DefaultLines_DoesNotFollow()
    {
        var command = LogsCommand.JournalCommand(new LogsCommand.Settings());
        Assert.Equal(["journalctl", "--no-pager", "-o", "short-iso", "-n", "200"], command);
    }

    [Theory]
    [InlineData(typeof(DockerUnavailableException), ExitCodes.EngineUnavailable)]
    [InlineData(typeof(PortInUseException), ExitCodes.PortInUse)]
    [InlineData(typeof(DiskFullException), ExitCodes.DiskFull)]
    [InlineData(typeof(CloudNotFoundException), ExitCodes.NotFound)]
    [InlineData(typeof(OperationCanceledException), ExitCodes.Cancelled)]
    public void Errors_MapToDocumentedExitCodes(Type type, int expected)
    {
        Exception e = type.Name switch
        {
            nameof(DockerUnavailableException) => new DockerUnavailableException("/x.sock", "none"),
            nameof(PortInUseException) => new PortInUseException(5000),
            nameof(DiskFullException) => new DiskFullException("commit"),
            nameof(CloudNotFoundException) => new CloudNotFoundException("dev"),
            _ => new OperationCanceledException(),
        };
        Assert.Equal(expected, ErrorReporter.Classify(e).Code);
    }

    [Fact]
    public void PortInUse_MessageNamesThePort()
    {
        var message = ErrorReporter.Classify(new PortInUseException(9517)).Message;
        Assert.Contains("9517", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_WritesOneLineWithoutStackTrace()
    {
        var error = new StringWriter();
        var code = ErrorReporter.Report(new SnapshotNotFoundException("dev", "nope", ["a", "b"]), verbose: false, error);
        Assert.Equal(ExitCodes.NotFound, code);
        Assert.Contains("no snapshot named 'nope'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("a, b", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error.ToString(), StringComparison.Ordinal);
    }
}
