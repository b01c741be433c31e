namespace DockStack.Cli;

/// <summary>The exit codes of <c>dockstack</c> (listed in the README).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int EngineUnavailable = 3;
    public const int NotFound = 4;
    /// <summary>A port to publish is taken, or the address asked for belongs to another cloud.</summary>
    public const int PortInUse = 5;
    public const int DiskFull = 6;
    public const int Cancelled = 130;
}
