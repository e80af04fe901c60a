namespace EdgeNode.Compression.Cli;

/// <summary>Exit codes of <c>compress</c> and <c>bench</c>, as every <c>edgenode</c> verb uses them.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The work failed; the message says why.</summary>
    public const int Failed = 1;

    /// <summary>A bad command line, including options the model contradicts (a <c>--shape</c> naming no input); nothing is written.</summary>
    public const int Usage = 64;
}
