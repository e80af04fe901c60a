namespace EdgeNode.Deployment.Tests;

/// <summary>Exit code and output of a finished script.</summary>
internal sealed record ScriptResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public string Output => Stdout + Stderr;
}
