namespace EdgeNode.Cli;

/// <summary>Process exit codes (documented in README.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Usage = 64;
    public const int Configuration = 78;
    public const int Model = 65;
    public const int Io = 74;
}
