using DockStack.Cloud.Events;
using DockStack.Cloud.Images;
using DockStack.Cloud.Nodes;
using DockStack.Cloud.Provisioning.Config;
using DockStack.Cloud.Services.Keystone;
using DockStack.Cloud.Services.MariaDb;

namespace DockStack.Cloud.Services.ContainerService;

/// <summary>The nested engine and the container service installed, registered, started and checked, in the build node of
/// <see cref="ContainerServiceLayer"/>.</summary>
internal sealed class ContainerServiceStep(ZunBundle bundle) : IProvisioningStep
{
    private static readonly string[] AptEnvironment = ["DEBIAN_FRONTEND=noninteractive"];
    private static readonly TimeSpan ServiceUpTimeout = TimeSpan.FromMinutes(3);

    public string Title => "the container service";

    public bool AppliesTo(CloudSettings settings) => true;

    public async Task RunAsync(ProvisioningContext context)
    {
        var events = context.Events;
        await events.StepAsync("Installing the nested Docker engine (docker.io)", () => InstallPackagesAsync(context));
        await events.StepAsync("Installing the container service (zun-api, zun-compute)", () => InstallServiceAsync(context));
        await events.StepAsync("Building the guest images (CirrOS from busybox-static, nginx from Debian's nginx)", async () =>
        {
            await context.Node.RunAsync("Building the CirrOS rootfs", [ContainerServiceFiles.RootfsScript], context.CancellationToken);
            await context.Node.RunAsync("Building the nginx rootfs", [ContainerServiceFiles.NginxRootfsScript], context.CancellationToken);
        });
        await events.StepAsync("Creating the zun database and Keystone entries", () => RegisterAsync(context));
        await events.StepAsync("Starting and checking the container service", () => StartAndCheckAsync(context));
        if (ContainerPanels.AppliesTo(context.Settings))
        {
            await events.StepAsync("Adding the container panels to Horizon", () => AddPanelsAsync(context));
        }
        if (NginxGlanceImage.AppliesTo(context.Settings))
        {
            await events.StepAsync("Uploading nginx to Glance (docker save)", () => NginxGlanceImage.UploadAsync(context));
        }
        await events.StepAsync("Emptying the nested engine's storage for the node volume", () =>
            context.ScriptAsync("Emptying /var/lib/docker", "Services/ContainerService/Scripts/stop-and-wipe.sh"));
    }

    private static async Task InstallPackagesAsync(ProvisioningContext context)
    {
        await context.Node.WriteFilesAsync([NodeResources.PolicyRcD], context.CancellationToken);
        await context.ScriptAsync("Installing docker.io", "Services/ContainerService/Scripts/install-packages.sh", ContainerServiceModule.PackageNames, AptEnvironment);
    }

    private async Task InstallServiceAsync(ProvisioningContext context)
    {
        var ct = context.CancellationToken;
        await context.ScriptAsync("The zun user", "Services/ContainerService/Scripts/zun-user.sh");
        await bundle.EnsurePublishedAsync(ct);
        await using (var tar = bundle.ToTar())
        {
            await context.Node.Engine.PutArchiveAsync(context.Node.Id, "/", tar, ct);
        }
        await context.Node.WriteFilesAsync(ContainerServiceFiles.All(context.Settings), ct);
        await context.ScriptAsync("Config owners", "Services/ContainerService/Scripts/enable-units.sh");
    }

    private static async Task AddPanelsAsync(ProvisioningContext context)
    {
        await context.Node.WriteFilesAsync(ContainerPanels.Files, context.CancellationToken);
        await context.ScriptAsync("Registering the container panels", "Services/ContainerService/Scripts/horizon-panels.sh");
        await context.WaitForHttpAsync("http://127.0.0.1/auth/login/", "apache2.service", TimeSpan.FromMinutes(2));
    }

    private static async Task RegisterAsync(ProvisioningContext context)
    {
        await MariaDbModule.CreateDatabasesAsync(context, context.Databases);
        await context.WaitForHttpAsync(KeystoneModule.Url + "/v3", "keystone.service", TimeSpan.FromMinutes(2));
        await KeystoneModule.RegisterAsync(context, [ContainerServiceModule.Entry]);
    }

    private static async Task StartAndCheckAsync(ProvisioningContext context)
    {
        var ct = context.CancellationToken;
        string[] kuryr = ContainerServiceModule.KuryrApplies(context.Settings) ? [ContainerServiceFiles.KuryrUnitName] : [];
        await context.Node.RunAsync("Starting the nested engine and the container service",
            ["systemctl", "start", .. kuryr, "docker.service", ContainerServiceFiles.CirrosUnit, ContainerServices.ApiUnit], ct);
        await context.Node.RunAsync("A CirrOS guest on the nested engine", ["docker", "run", "--rm", "--network", "none", "cirros", "sh", "-c", "echo cirros ok && ping -c 1 -W 2 127.0.0.1"], ct);
        // nginx with the image's config (in the background here), asked for its page by the curl stand-in in the same guest.
        var page = await context.Node.RunAsync("An nginx guest on the nested engine",
            ["docker", "run", "--rm", "--network", "none", "nginx", "sh", "-c", "nginx && curl http://127.0.0.1/"], ct);
        if (!page.Stdout.Contains(ContainerServiceFiles.NginxWelcome, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The nginx guest did not serve its welcome page (\"{ContainerServiceFiles.NginxWelcome}\"):\n{page.Stdout}");
        }
        await context.WaitForHttpAsync($"http://127.0.0.1:{ContainerServices.ApiPort}/v1", ContainerServices.ApiUnit, ServiceUpTimeout);
        var token = (await context.KeystoneAsync()).Token;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(ServiceUpTimeout);
        string last = "no answer";
        try
        {
            while (true)
            {
                var response = await context.Http.SendAsync("GET", $"{ContainerServices.Endpoint}/services", null, token, deadline.Token);
                last = $"HTTP {response.Status}: {response.Text}";
                var services = response.Body?["services"]?.AsArray() ?? [];
                if (response.IsSuccess && services.Any(s => s?["binary"]?.GetValue<string>() == "zun-compute" && s["state"]?.GetValue<string>() == "up"))
                {
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            var journal = await context.Node.ExecAsync(["journalctl", "-u", "zun-api", "-n", "30", "--no-pager", "-o", "cat"], ct);
            throw new TimeoutException($"zun-compute did not report up within {ServiceUpTimeout.TotalSeconds:0} s (GET /v1/services: {last}).\n{journal.Stdout}");
        }
    }
}
