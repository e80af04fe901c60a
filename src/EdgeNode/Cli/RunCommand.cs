using System.CommandLine;
using EdgeNode.Inference;

namespace EdgeNode.Cli;

/// <summary>The default verb: runs the node until SIGTERM/Ctrl-C.</summary>
internal static class RunCommand
{
    /// <summary>
    /// The <c>run</c> verb. Every word it does not know is configuration (<c>--EdgeNode:Mqtt:Port=1884</c>, as
    /// <c>Microsoft.Extensions.Configuration.CommandLine</c> reads it), so it takes no flags of its own but <c>--help</c>.
    /// </summary>
    public static Command Create()
    {
        var command = new Command("run", "Run the node until SIGTERM/Ctrl-C (the default verb). Configuration: appsettings.json, EdgeNode__* environment variables, then --EdgeNode:Key=Value arguments.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(p => RunAsync([.. p.UnmatchedTokens], p.InvocationConfiguration.Error));
        return command;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        IHost host;
        try
        {
            host = NodeHost.Build(args);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException)
        {
            return Fail(stderr, "invalid configuration: " + ex.Message, ExitCodes.Configuration);
        }

        using (host)
        {
            try
            {
                await host.RunAsync();
                return ExitCodes.Success;
            }
            catch (OptionsValidationException ex)
            {
                return Fail(stderr, "invalid configuration: " + string.Join("; ", ex.Failures), ExitCodes.Configuration);
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
            {
                return Fail(stderr, "invalid configuration: " + ex.Message, ExitCodes.Configuration);
            }
            catch (ArgumentException ex)
            {
                return Fail(stderr, "invalid configuration: " + ex.Message, ExitCodes.Configuration);
            }
            catch (ModelLoadException ex)
            {
                return Fail(stderr, "cannot load the model: " + ex.Message, ExitCodes.Model);
            }
            catch (IOException ex)
            {
                return Fail(stderr, ex.Message, ExitCodes.Io);
            }
        }
    }

    private static int Fail(TextWriter stderr, string message, int code)
    {
        stderr.WriteLine("edgenode: " + message);
        return code;
    }
}
