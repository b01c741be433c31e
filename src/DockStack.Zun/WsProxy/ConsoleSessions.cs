using DockStack.Zun.Data;

namespace DockStack.Zun.WsProxy;

/// <summary>
/// The compute side of interactive sessions: a token for the container (or its exec) and the URL of this host's console
/// proxy that redeems it. The proxy runs in the process that runs compute, so the URL names that process's proxy.
/// </summary>
public sealed class ConsoleSessions(ConsoleTokens tokens, Func<string> baseUrl)
{
    public string AttachUrl(Container c) =>
        Url(baseUrl(), tokens.Issue(new ConsoleTarget(c.Uuid, c.ContainerId!, null, c.Tty)), c.Uuid, null);

    public string ExecUrl(Container c, string execId, bool tty) =>
        Url(baseUrl(), tokens.Issue(new ConsoleTarget(c.Uuid, c.ContainerId!, execId, tty)), c.Uuid, execId);

    /// <summary>Zun's form: <c>&lt;base_url&gt;?token=..&amp;uuid=..</c>, and <c>&amp;exec_id=..</c> for an exec.</summary>
    public static string Url(string baseUrl, string token, string uuid, string? execId) =>
        $"{baseUrl}?token={Uri.EscapeDataString(token)}&uuid={Uri.EscapeDataString(uuid)}" + (execId is null ? "" : $"&exec_id={Uri.EscapeDataString(execId)}");
}
