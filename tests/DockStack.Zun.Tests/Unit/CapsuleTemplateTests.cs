using System.Text.Json.Nodes;
using DockStack.Zun.Api;
using DockStack.Zun.Api.Capsules;
using DockStack.Zun.Conf;
using DockStack.Zun.Data;
using Microsoft.AspNetCore.Http;

namespace DockStack.Zun.Tests.Unit;

/// <summary>A capsule create's template: what is stored for it, what is refused (400 with the reason), and the capsule's view and status.</summary>
[Trait("Category", "Unit")]
public sealed class CapsuleTemplateTests
{
    private static readonly ZunConfig Config = ZunConfig.From(IniFile.Parse("[DEFAULT]\nauth_strategy = noauth\n"));

    private const string Template = """
        {"template": {"kind": "capsule", "capsuleVersion": "beta",
          "metadata": {"name": "web", "labels": {"app": "web"}, "annotations": {"team": "a"}},
          "spec": {"restartPolicy": "OnFailure",
            "initContainers": [{"image": "cirros", "command": ["sh", "-c"], "args": ["echo init"]}],
            "containers": [
              {"image": "cirros", "command": ["sleep", "1000"], "env": {"A": "1"}, "workDir": "/tmp", "resources": {"requests": {"cpu": 0.5, "memory": 64}},
               "ports": [{"containerPort": 80, "protocol": "TCP", "name": "http"}], "stdin": true, "tty": true},
              {"image": "cirros:latest", "args": ["top"], "resources": {"requests": {"cpu": 0.25, "memory": 32}}}]}}}
        """;

    private static ZunContext Ctx(int minor = 40, bool admin = false) => new()
    {
        RequestId = "req-x",
        Version = new OpenStack.ApiVersion(1, minor),
        UserId = "u",
        ProjectId = "p",
        Roles = admin ? ["admin"] : ["member"],
        Scope = TokenScope.Project,
    };

    private static CapsuleTemplate.Plan Parse(string json, int minor = 40, bool admin = false) =>
        CapsuleTemplate.Parse(JsonBody.Parse(json), Ctx(minor, admin), Config, TimeProvider.System);

    private static T Refused<T>(string json, int minor = 40) where T : ZunException => Assert.Throws<T>(() => Parse(json, minor));

    [Fact]
    public void Parse_FullTemplate_PlansSandboxInitAndContainersAsZunNamesThem()
    {
        var plan = Parse(Template);
        var capsule = plan.Capsule;
        Assert.Equal(("web", "beta", "p", "u"), (capsule.Name, capsule.CapsuleVersion, capsule.ProjectId, capsule.UserId));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web" }, capsule.Labels);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "a" }, capsule.Annotations);
        Assert.Equal(new Dictionary<string, string> { ["Name"] = "on-failure", ["MaximumRetryCount"] = "0" }, capsule.RestartPolicy);
        Assert.Equal((0.75, "96"), (capsule.Cpu, capsule.Memory));
        Assert.Equal(4, plan.Members.Count);
        Assert.All(plan.Members, m => Assert.Equal((capsule.Uuid, ContainerStatus.Creating), (m.CapsuleId, m.Status)));
        Assert.Equal("capsule-web-sandbox", plan.Sandbox.Name);
        Assert.Equal(Config.SandboxImage, plan.Sandbox.Image);
        Assert.Equal(["sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"], plan.Sandbox.Command);
        Assert.Equal(["80/tcp"], plan.Sandbox.ExposedPorts!.Select(p => p.Key));
        Assert.All(plan.InitContainers.Concat(plan.Containers), m => Assert.Matches("^capsule-web-[a-z]+-[0-9]+-container$", m.Name));
        Assert.Equal(3, plan.Members.Select(m => m.Name).Distinct().Count() - 1);
        Assert.Equal([capsule.SandboxUuid, .. capsule.InitContainerUuids, .. capsule.ContainerUuids], plan.Members.Select(m => m.Uuid));

        var init = plan.InitContainers.Single();
        Assert.Equal(["sh", "-c", "echo init"], init.Command);
        Assert.Equal("on-failure", init.RestartPolicy!["Name"]);
        Assert.Equal("10", init.RestartPolicy["MaximumRetryCount"]);

        var (first, second) = (plan.Containers[0], plan.Containers[1]);
        Assert.Equal((0.5, "64", "/tmp", true, true), (first.Cpu, first.Memory, first.Workdir, first.Interactive, first.Tty));
        Assert.Equal("1", first.Environment["A"]);
        Assert.Equal(["top"], second.Command);
        Assert.Equal((false, false), (second.Interactive, second.Tty));
    }

    [Fact]
    public void Parse_NoRequestsNoName_UsesDefaultsAndTheUuidInNames()
    {
        var plan = Parse("""{"template": {"kind": "Capsule", "spec": {"containers": [{"image": "cirros"}]}}}""");
        Assert.Null(plan.Capsule.Name);
        Assert.Equal("always", plan.Capsule.RestartPolicy["Name"]);
        Assert.Equal(("512", 1.0), (plan.Containers[0].Memory, plan.Containers[0].Cpu));
        Assert.Equal((0.0, "0"), (plan.Capsule.Cpu, plan.Capsule.Memory));
        Assert.StartsWith($"capsule-{plan.Capsule.Uuid}-", plan.Containers[0].Name);
        Assert.Equal($"capsule-{plan.Capsule.Uuid}-sandbox", plan.Sandbox.Name);
    }

    [Fact]
    public void Parse_TemplateAsJsonString_IsReadToo() =>
        Assert.Equal("ss", Parse("""{"template": "{\"kind\": \"capsule\", \"metadata\": {\"name\": \"ss\"}, \"spec\": {\"containers\": [{\"image\": \"cirros\"}]}}"}""").Capsule.Name);

    [Theory]
    [InlineData("""{"template": {"kind": "pod", "spec": {"containers": [{"image": "cirros"}]}}}""", "kind fields need to be set as capsule or Capsule")]
    [InlineData("""{"template": {"spec": {"containers": [{"image": "cirros"}]}}}""", "kind fields need to be set as capsule or Capsule")]
    [InlineData("""{"template": {"kind": "capsule"}}""", "No Spec found")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {}}}""", "No valid containers field")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": []}}}""", "at least one container")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"command": ["ls"]}]}}}""", "template/spec/containers/0 has no image")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros"}], "restartPolicy": "Sometimes"}}}""", "restartPolicy must be one of Always, OnFailure, Never")]
    public void Parse_BadTemplate_InvalidCapsuleTemplate(string json, string reason)
    {
        var e = Refused<InvalidCapsuleTemplate>(json);
        Assert.Equal((400, "InvalidCapsuleTemplate"), (e.Status, e.CodeName));
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros"}], "volumes": [{"name": "data", "cinder": {"size": 1, "autoRemove": true}}]}}}""", "the Cinder volume data")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros", "volumeMounts": [{"name": "data", "mountPath": "/d"}]}]}}}""", "volumeMounts")]
    public void Parse_CinderVolume_RefusedAsCinderIsNotHere(string json, string names)
    {
        var e = Refused<Invalid>(json);
        Assert.Equal(400, e.Status);
        Assert.Contains("Cinder (block storage) is not part of this cloud", e.Message);
        Assert.Contains(names, e.Message);
    }

    [Theory]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros"}], "initContainers": [{"image": "cirros"}]}}}""", 33, "initContainers", "1.34")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros", "ports": [{"containerPort": 80}]}]}}}""", 34, "ports", "1.35")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros", "tty": true}]}}}""", 36, "tty", "1.37")]
    public void Parse_FieldNewerThanTheVersion_InvalidParamInVersion(string json, int minor, string field, string since)
    {
        var e = Refused<InvalidParamInVersion>(json, minor);
        Assert.Contains($"{field} is only supported from version {since}", e.Message);
    }

    [Fact]
    public void Parse_AnnotationsBefore138_NotAllowed() =>
        Assert.Contains("'annotations'", Refused<SchemaValidationError>("""{"template": {"kind": "capsule", "metadata": {"annotations": {}}, "spec": {"containers": [{"image": "cirros"}]}}}""", 37).Message);

    [Theory]
    [InlineData("""{"capsule": {}}""", "Additional properties")]
    [InlineData("""{}""", "'template' is a required property")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros", "privileged": true}]}}}""", "'privileged' was unexpected")]
    [InlineData("""{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros", "ports": [{"containerPort": 70000}]}]}}}""", "containerPort")]
    [InlineData("""{"template": {"kind": "capsule", "metadata": {"name": "-bad"}, "spec": {"containers": [{"image": "cirros"}]}}}""", "template/metadata/name")]
    public void Parse_SchemaErrors_SchemaValidationError(string json, string detail) =>
        Assert.Contains(detail, Refused<SchemaValidationError>(json).Message);

    [Fact]
    public void Parse_ImagePullPolicy_AdminOnly()
    {
        const string json = """{"template": {"kind": "capsule", "spec": {"containers": [{"image": "cirros", "imagePullPolicy": "IfNotPresent"}]}}}""";
        Refused<PolicyNotAuthorized>(json);
        Assert.Equal("ifnotpresent", Parse(json, admin: true).Containers[0].ImagePullPolicy);
    }

    [Fact]
    public void Parse_TooManyContainers_Refused()
    {
        var containers = string.Join(", ", Enumerable.Repeat("""{"image": "cirros"}""", CapsuleTemplate.MaxContainers + 1));
        Assert.Contains($"at most {CapsuleTemplate.MaxContainers}", Refused<InvalidCapsuleTemplate>("""{"template": {"kind": "capsule", "spec": {"containers": [""" + containers + "]}}}").Message);
    }

    private static HttpRequest Request()
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("zun:9517");
        return http.Request;
    }

    [Fact]
    public void View_At140_HasZunKeys_MembersWithoutLinks_HostForAdminsOnly()
    {
        var plan = Parse(Template);
        plan.Capsule.Host = "node1";
        var view = CapsuleView.Render(plan.Capsule, plan.Members, Ctx(), Request());
        Assert.Equal(["uuid", "links", "user_id", "project_id", "created_at", "updated_at", "addresses", "status", "status_reason", "restart_policy", "name", "labels",
            "annotations", "memory", "cpu", "containers", "init_containers"], view.Select(kv => kv.Key));
        Assert.Equal($"http://zun:9517/v1/capsules/{plan.Capsule.Uuid}", (string?)view["links"]![0]!["href"]);
        Assert.Equal(CapsuleStatus.Pending, (string?)view["status"]);
        Assert.Equal(plan.Capsule.ContainerUuids, view["containers"]!.AsArray().Select(c => (string?)c!["uuid"]));
        Assert.Equal(plan.Capsule.InitContainerUuids, view["init_containers"]!.AsArray().Select(c => (string?)c!["uuid"]));
        Assert.All(view["containers"]!.AsArray(), c => Assert.False(c!.AsObject().ContainsKey("links")));
        Assert.Equal("96", (string?)view["memory"]);
        Assert.Equal("node1", (string?)CapsuleView.Render(plan.Capsule, plan.Members, Ctx(admin: true), Request())["host"]);
    }

    [Fact]
    public void View_Before132_HasTheLegacyKeys()
    {
        var plan = Parse("""{"template": {"kind": "capsule", "metadata": {"name": "old", "labels": {"a": "b"}}, "spec": {"containers": [{"image": "cirros"}]}}}""", 31);
        var view = CapsuleView.Render(plan.Capsule, plan.Members, Ctx(31), Request());
        Assert.Equal("old", (string?)view["meta_name"]);
        Assert.Equal("b", (string?)view["meta_labels"]!["a"]);
        Assert.Equal("beta", (string?)view["capsule_version"]);
        Assert.Equal(plan.Members.Select(m => m.Uuid), view["containers_uuids"]!.AsArray().Select(u => (string?)u));
        Assert.False(view.ContainsKey("name") || view.ContainsKey("init_containers") || view.ContainsKey("annotations"));
    }

    [Theory]
    [InlineData(null, "Running", "Stopped:Exited(0) 1 seconds ago ", "Running", "Running", "Running")]
    [InlineData(null, "Running", "Stopped:Exited(0) 1 seconds ago ", "Stopped:Exited(0) 3 seconds ago ", "Stopped:Exited(0) 2 seconds ago ", "Succeeded")]
    [InlineData(null, "Running", "Stopped:Exited(0) 1 seconds ago ", "Stopped:Exited(2) 3 seconds ago ", "Stopped:Exited(0) 2 seconds ago ", "Failed")]
    [InlineData(null, "Running", "Stopped:Exited(1) 1 seconds ago ", "Error", "Error", "Failed")]
    [InlineData("container_creating", "Running", "Stopped:Exited(0) 1 seconds ago ", "Created", "Creating", "Pending")]
    [InlineData(null, "Running", "Stopped:Exited(0) 1 seconds ago ", "Running", "Stopped:Exited(0) 1 seconds ago ", "Running")]
    public void Status_FromTheMembers(string? task, string sandbox, string init, string first, string second, string expected)
    {
        var plan = Parse(Template);
        plan.Capsule.TaskState = task;
        void Set(Container c, string state)
        {
            var parts = state.Split(':');
            c.Status = parts[0];
            c.StatusDetail = parts.Length > 1 ? parts[1] : null;
        }
        Set(plan.Sandbox, sandbox);
        Set(plan.InitContainers[0], init);
        Set(plan.Containers[0], first);
        Set(plan.Containers[1], second);
        Assert.Equal(expected, CapsuleView.StatusOf(plan.Capsule, plan.Members));
    }
}
