using DockStack.Cloud.Images;
using DockStack.Cloud.Lifecycle;
using DockStack.Cloud.Nodes;
using DockStack.Docker;

namespace DockStack.UnitTests;

public class NamesAndPathsTests
{
    [Theory]
    [InlineData(null, "dockstack")]
    [InlineData("", "dockstack")]
    [InlineData("dev-2", "dev-2")]
    public void CloudName_Parse_AcceptsValidNamesAndDefaults(string? input, string expected) =>
        Assert.Equal(expected, CloudName.Parse(input).Value);

    [Theory]
    [InlineData("Dev")]
    [InlineData("-dev")]
    [InlineData("dev_1")]
    [InlineData("a/b")]
    [InlineData("x12345678901234567890123456789012345678901")]
    public void CloudName_Parse_RejectsInvalidNames_NamingTheRule(string input)
    {
        var e = Assert.Throws<ArgumentException>(() => CloudName.Parse(input));
        Assert.Contains(input, e.Message, StringComparison.Ordinal);
        Assert.Contains("lower-case", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CloudName_DerivesEveryObjectName()
    {
        var name = CloudName.Parse("dev");
        Assert.Equal("dockstack-dev", name.Container);
        Assert.Equal("dockstack-dev-docker", name.Volume("docker"));
        Assert.Equal("dockstack/snapshot-dev", name.SnapshotRepository);
    }

    [Fact]
    public void StatePaths_PrefersDockstackHome_ThenXdgStateHome_ThenHome()
    {
        Assert.Equal("/x/home", StatePaths.Resolve(v => v switch { "DOCKSTACK_HOME" => "/x/home", "XDG_STATE_HOME" => "/xdg", _ => "/h" }).Root);
        Assert.Equal("/xdg/dockstack", StatePaths.Resolve(v => v switch { "XDG_STATE_HOME" => "/xdg", "HOME" => "/h", _ => null }).Root);
        Assert.Equal("/h/.local/state/dockstack", StatePaths.Resolve(v => v == "HOME" ? "/h" : null).Root);
    }

    [Fact]
    public void StatePaths_PutsEachCloudInItsOwnFolder()
    {
        var paths = new StatePaths("/s");
        Assert.Equal("/s/clouds/dev", paths.CloudDir("dev"));
        Assert.Equal("/s/clouds/dev/clouds.yaml", paths.CloudsYaml("dev"));
    }

    [Fact]
    public void DockerEndpoint_UsesDockerHost_ElseTheLocalSocket()
    {
        Assert.Equal("/var/run/docker.sock", DockerEndpoint.Resolve(_ => null).Display);
        Assert.Equal("/tmp/x.sock", DockerEndpoint.Resolve(v => v == "DOCKER_HOST" ? "unix:///tmp/x.sock" : null).Display);
        Assert.Equal("tcp://10.0.0.1:2375/", DockerEndpoint.Resolve(v => v == "DOCKER_HOST" ? "tcp://10.0.0.1:2375" : null).Display);
    }

    [Fact]
    public void DockerEndpoint_RejectsAnAddressThatIsNotOne()
    {
        var e = Assert.Throws<DockerUnavailableException>(() => DockerEndpoint.Resolve(v => v == "DOCKER_HOST" ? "not an address" : null));
        Assert.Contains("DOCKER_HOST", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_ForAndFilter_MarkObjectsAsOurs()
    {
        var labels = Labels.For("node", "dev");
        Assert.Equal("true", labels[Labels.Managed]);
        Assert.Equal("dev", labels[Labels.Cloud]);
        Assert.Equal(["org.dockstack.managed=true", "org.dockstack.cloud=dev", "org.dockstack.kind=snapshot"], Labels.Filter("dev", "snapshot"));
        Assert.Equal(["org.dockstack.managed=true"], Labels.Filter());
    }

    [Fact]
    public void LayerHash_ChangesWithAnyInput_AndIsStable()
    {
        var a = LayerBuilder.Hash(["parent", "x"]);
        Assert.Equal(a, LayerBuilder.Hash(["parent", "x"]));
        Assert.NotEqual(a, LayerBuilder.Hash(["parent", "y"]));
        Assert.NotEqual(a, LayerBuilder.Hash(["parentx", ""]));
        Assert.Equal(16, a.Length);
    }

    [Fact]
    public void BaseImageReference_DependsOnSuiteAndMirror()
    {
        var trixie = BaseImage.ReferenceFor(new BaseImageOptions());
        Assert.StartsWith("dockstack/base:trixie-", trixie, StringComparison.Ordinal);
        Assert.NotEqual(trixie, BaseImage.ReferenceFor(new BaseImageOptions { Mirror = "http://mirror.example/debian" }));
        Assert.StartsWith("dockstack/base:bookworm-", BaseImage.ReferenceFor(new BaseImageOptions { Suite = "bookworm" }), StringComparison.Ordinal);
    }

    [Fact]
    public void BaseImageOptions_ExplicitValuesWinOverEnvironment()
    {
        string? Env(string v) => v switch { "DOCKSTACK_MIRROR" => "http://env/debian", "http_proxy" => "http://proxy:3128", _ => null };
        var fromEnv = BaseImageOptions.From(null, null, null, Env);
        Assert.Equal("trixie", fromEnv.Suite);
        Assert.Equal("http://env/debian", fromEnv.Mirror);
        Assert.Equal("http://proxy:3128", fromEnv.HttpProxy);
        Assert.Equal("http://cli/debian", BaseImageOptions.From("bookworm", "http://cli/debian", null, Env).Mirror);
    }

    [Fact]
    public void Mmdebstrap_Arguments_CarryProxyMirrorAndSuite()
    {
        var args = Mmdebstrap.Arguments(new BaseImageOptions { HttpProxy = "http://p:3128", Mirror = "http://m/debian" }, "/tmp/hook.sh", "/tmp/out.tar");
        Assert.Contains("--variant=minbase", args);
        Assert.Contains("--include=systemd,systemd-sysv,dbus,ca-certificates", args);
        Assert.Contains("--aptopt=Acquire::http::Proxy \"http://p:3128\"", args);
        Assert.Equal(["trixie", "/tmp/out.tar", "http://m/debian"], args.TakeLast(3));
    }

    [Fact]
    public void ShortIds_AreTwelveCharacters_WithoutTheDigestPrefix()
    {
        Assert.Equal("0123456789ab", ShortIds.Of("sha256:0123456789abcdef"));
        Assert.Equal("abc", ShortIds.Of("abc"));
    }
}
