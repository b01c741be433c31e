using System.Text.Json.Nodes;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Containers;
using DockStack.Zun.Compute;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;

namespace DockStack.Zun.Tests.Unit;

/// <summary>Every guest gets a memory limit (the default when the request has none), no swap beyond it, and a pids limit.</summary>
[Trait("Category", "Unit")]
public sealed class GuestLimitsTests
{
    private const long MiB = 1024 * 1024;

    private static ZunConfig Config(string compute = "", string defaults = "") =>
        ZunConfig.From(IniFile.Parse($"[DEFAULT]\nauth_strategy = noauth\n{defaults}\n[compute]\n{compute}\n"));

    private static ZunContext Ctx() => new()
    {
        RequestId = "req-x",
        Version = new OpenStack.ApiVersion(1, 40),
        UserId = "u",
        ProjectId = "p",
        Roles = ["member"],
        Scope = TokenScope.Project,
    };

    private static Container Create(string json, ZunConfig config) =>
        ContainerCreateParser.Parse(JsonNode.Parse(json)!.AsObject(), Ctx(), config, TimeProvider.System).Container;

    [Fact]
    public void Config_Defaults_Are512MiBAnd8GiBCeilingAnd1024Pids()
    {
        var config = Config();
        Assert.Equal(512, config.DefaultMemory);
        Assert.Equal(8192, config.MaxMemory);
        Assert.Equal(1024, config.PidsLimit);
    }

    [Fact]
    public void Config_ComputeOptions_AreRead()
    {
        var config = Config("pids_limit = 256\nmax_memory = 2048", "default_memory = 1024");
        Assert.Equal(256, config.PidsLimit);
        Assert.Equal(2048, config.MaxMemory);
        Assert.Equal(1024, config.DefaultMemory);
    }

    [Fact]
    public void GuestSpec_CreatedWithoutMemory_GetsTheDefaultMemoryAndThePidsLimit()
    {
        var config = Config("pids_limit = 300", "default_memory = 256");
        var spec = GuestSpecs.For(Create("""{"image": "cirros"}""", config), config);

        Assert.Equal(256 * MiB, spec.MemoryBytes);
        Assert.Equal(300, spec.PidsLimit);
    }

    [Fact]
    public void GuestSpec_GivenMemory_IsKept()
    {
        var config = Config();
        var spec = GuestSpecs.For(Create("""{"image": "cirros", "memory": "768"}""", config), config);

        Assert.Equal(768 * MiB, spec.MemoryBytes);
        Assert.Equal(1024, spec.PidsLimit);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("lots")]
    public void GuestSpec_StoredRowWithoutAUsableMemory_GetsTheDefaultNeverUnlimited(string? stored)
    {
        // A row written before every guest had a limit, or edited by hand: the guest is still limited.
        var config = Config();
        var c = Create("""{"image": "cirros"}""", config);
        c.Memory = stored;

        var spec = GuestSpecs.For(c, config);

        Assert.Equal(512 * MiB, spec.MemoryBytes);
        Assert.Equal(1024, spec.PidsLimit);
    }

    [Fact]
    public void Create_MemoryAtTheCeiling_IsAccepted_AboveIsRefused()
    {
        var config = Config("max_memory = 2048");
        Assert.Equal("2048", Create("""{"image": "cirros", "memory": 2048}""", config).Memory);

        var e = Assert.Throws<SchemaValidationError>(() => Create("""{"image": "cirros", "memory": 2049}""", config));
        Assert.Contains("2049 is greater than the maximum of 2048", e.Message);
    }

    [Theory]
    [InlineData("\"3\"", "less than the minimum of 4")]
    [InlineData("-1", "less than the minimum of 4")]
    [InlineData("\"512M\"", "does not match")]
    [InlineData("\"99999999999999999999\"", "greater than the maximum")]
    [InlineData("1.5", "is not of type")]
    public void Create_BadMemory_IsASchemaError(string memory, string says)
    {
        // Zun's API takes memory in MiB as digits; the client converts "512M" before it sends.
        var e = Assert.ThrowsAny<ZunException>(() => Create($$"""{"image": "cirros", "memory": {{memory}}}""", Config()));
        Assert.Contains(says, e.Message);
    }
}
