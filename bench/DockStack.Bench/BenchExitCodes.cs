namespace DockStack.Bench;

public static class BenchExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Cancelled = 130;
}

/// <summary>A failure the harness explains in one message (no stack trace).</summary>
public sealed class BenchException(string message) : Exception(message);
