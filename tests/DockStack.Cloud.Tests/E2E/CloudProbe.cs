using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using DockStack.OpenStack.Keystone;

namespace DockStack.Cloud.Tests.E2E;

/// <summary>
/// Whether a cloud answers as its users need, over its APIs (fast enough to poll every second): a demo token is issued,
/// each API lists what a user lists, every Nova service and Neutron agent reports up, and the container service's
/// compute is up. A failing check names itself.
/// </summary>
public sealed class CloudProbe(string keystoneUrl, string password) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A container of the demo project whose logs are read on every check: a call the API answers only through
    /// a round trip to the compute service over RabbitMQ.</summary>
    public string? Container { get; set; }

    /// <summary>The first failing check, or null when the cloud answers every one.</summary>
    public async Task<string?> FailureAsync(CancellationToken cancellationToken)
    {
        try
        {
            var keystone = new KeystoneClient(_http, new Uri(keystoneUrl), null);
            var demo = await keystone.AuthenticateAsync(new PasswordCredentials("demo", password, "demo"), cancellationToken);
            var admin = await keystone.AuthenticateAsync(new PasswordCredentials("admin", password, "admin"), cancellationToken);
            foreach (var (type, path) in new[] { ("compute", "/servers"), ("network", "/v2.0/networks"), ("image", "/v2/images"), ("container", "/containers"), ("placement", "/resource_providers") })
            {
                var token = type == "placement" ? admin : demo;
                await GetAsync(token, type, path, cancellationToken);
            }
            if (Container is { } container)
            {
                await GetAsync(demo, "container", $"/containers/{container}/logs?stdout=true&stderr=true&tail=5", cancellationToken, json: false);
            }
            var services = (await GetAsync(admin, "compute", "/os-services", cancellationToken))["services"]!.AsArray();
            if (services.FirstOrDefault(s => s!["state"]!.ToString() != "up") is { } down)
            {
                return $"nova service {down["binary"]} is {down["state"]}";
            }
            var agents = (await GetAsync(admin, "network", "/v2.0/agents", cancellationToken))["agents"]!.AsArray();
            if (agents.FirstOrDefault(a => !a!["alive"]!.GetValue<bool>()) is { } dead)
            {
                return $"neutron agent {dead["binary"]} is not alive";
            }
            var zun = (await GetAsync(admin, "container", "/services", cancellationToken))["services"]!.AsArray();
            return zun.Any(s => s!["binary"]!.ToString() == "zun-compute" && s["state"]!.ToString() == "up") ? null : "zun-compute is not up";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or KeystoneAuthenticationException or KeystoneUnavailableException or InvalidOperationException)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// Load on the container service's RPC path while something breaks: <paramref name="workers"/> callers read
    /// <see cref="Container"/>'s logs (an API-to-compute round trip over RabbitMQ) back to back (a quarter second apart
    /// after a failure) until <paramref name="stop"/> fires. Each call's start, time and outcome (an HTTP status, or the
    /// exception's type).
    /// </summary>
    public async Task<IReadOnlyList<(DateTimeOffset Started, TimeSpan Took, string Outcome)>> LoadAsync(int workers, CancellationToken stop)
    {
        var container = Container ?? throw new InvalidOperationException("no container to read the logs of");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        var demo = await new KeystoneClient(http, new Uri(keystoneUrl), null)
            .AuthenticateAsync(new PasswordCredentials("demo", password, "demo"), CancellationToken.None);
        var url = demo.Info.EndpointFor("container")!.TrimEnd('/') + $"/containers/{container}/logs?stdout=true&tail=1";
        var calls = new List<(DateTimeOffset, TimeSpan, string)>();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var started = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                string outcome;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url);
                    request.Headers.Add("X-Auth-Token", demo.Token);
                    request.Headers.Add("OpenStack-API-Version", "container 1.40");
                    using var response = await http.SendAsync(request, CancellationToken.None);
                    outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    outcome = e.GetType().Name;
                }
                lock (calls)
                {
                    calls.Add((started, clock.Elapsed, outcome));
                }
                if (outcome != "200")
                {
                    await Task.Delay(250, CancellationToken.None);
                }
            }
        }));
        return calls;
    }

    /// <summary>Polls until the cloud answers every check: the time it took, or the last failure when the bound runs out.</summary>
    public async Task<(TimeSpan Took, string? Failure)> WaitAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? failure;
        while ((failure = await FailureAsync(cancellationToken)) is not null && clock.Elapsed < bound)
        {
            await Task.Delay(1000, cancellationToken);
        }
        return (clock.Elapsed, failure);
    }

    private async Task<JsonNode> GetAsync(IssuedToken token, string type, string path, CancellationToken cancellationToken, bool json = true)
    {
        var endpoint = token.Info.EndpointFor(type) ?? throw new InvalidOperationException($"no {type} endpoint in the catalog");
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint.TrimEnd('/') + path);
        request.Headers.Add("X-Auth-Token", token.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (type == "container")
        {
            request.Headers.Add("OpenStack-API-Version", "container 1.40");
        }
        if (type == "placement")
        {
            request.Headers.Add("OpenStack-API-Version", "placement 1.10");
        }
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return response.IsSuccessStatusCode
            ? (json ? JsonNode.Parse(text)! : JsonValue.Create(text))
            : throw new InvalidOperationException($"{type} {path}: HTTP {(int)response.StatusCode}");
    }

    public void Dispose() => _http.Dispose();
}
